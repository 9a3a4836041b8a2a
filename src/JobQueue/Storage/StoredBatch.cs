namespace JobQueue.Storage;

/// <summary>A batch as the store holds it.</summary>
public sealed record StoredBatch
{
    /// <summary>The batch's id.</summary>
    public required BatchId Id { get; init; }

    /// <summary>The batch's state.</summary>
    public required BatchState State { get; init; }

    /// <summary>Children in all, including those added while it ran.</summary>
    public int Total { get; init; }

    /// <summary>Children that succeeded.</summary>
    public int Succeeded { get; init; }

    /// <summary>Children that failed for good or were cancelled.</summary>
    public int Failed { get; init; }

    /// <summary>Children not finished: <see cref="Total"/> minus the others.</summary>
    public int Pending => Total - Succeeded - Failed;

    /// <summary>The success callback's id, if any.</summary>
    public JobId? SuccessJobId { get; init; }

    /// <summary>The failure callback's id, if any.</summary>
    public JobId? FailureJobId { get; init; }

    /// <summary>When the batch was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last child finished (a batch that failed early keeps null until its other children end).</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>What the batch does at its first failure.</summary>
    public BatchFailurePolicy FailurePolicy { get; init; }

    /// <summary>The batch this one is nested in, or null.</summary>
    public BatchId? ParentBatchId { get; init; }
}
