using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>A batch's mutable state; only touched under the store's lock, read out as <see cref="StoredBatch"/> copies.</summary>
internal sealed class InMemoryBatch
{
    public InMemoryBatch(BatchId id, DateTimeOffset createdAt)
    {
        Id = id;
        CreatedAt = createdAt;
    }

    public BatchId Id { get; }

    public DateTimeOffset CreatedAt { get; }

    public BatchState State { get; set; }

    public int Total { get; set; }

    public int Succeeded { get; set; }

    public int Failed { get; set; }

    public int Pending => Total - Succeeded - Failed;

    public InMemoryJob? SuccessCallback { get; set; }

    public InMemoryJob? FailureCallback { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public BatchFailurePolicy FailurePolicy { get; init; }

    /// <summary>The batch this one is nested in: it counts there as one child.</summary>
    public InMemoryBatch? Parent { get; init; }

    /// <summary>Set once this batch's outcome was counted in <see cref="Parent"/>, so it never counts twice.</summary>
    public bool CountedInParent { get; set; }

    public StoredBatch ToStored() => new()
    {
        Id = Id,
        State = State,
        Total = Total,
        Succeeded = Succeeded,
        Failed = Failed,
        SuccessJobId = SuccessCallback?.Id,
        FailureJobId = FailureCallback?.Id,
        CreatedAt = CreatedAt,
        FinishedAt = FinishedAt,
        FailurePolicy = FailurePolicy,
        ParentBatchId = Parent?.Id,
    };
}
