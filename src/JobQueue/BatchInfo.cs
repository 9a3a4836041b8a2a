namespace JobQueue;

/// <summary>A snapshot of a batch's progress, read through <see cref="IJobClient.GetBatchAsync"/>.</summary>
public sealed class BatchInfo
{
    /// <summary>The batch's id.</summary>
    public required BatchId Id { get; init; }

    /// <summary>The batch's state.</summary>
    public required BatchState State { get; init; }

    /// <summary>How many children the batch has, including those added by running children.</summary>
    public int Total { get; init; }

    /// <summary>How many children succeeded.</summary>
    public int Succeeded { get; init; }

    /// <summary>How many children failed for good or were cancelled.</summary>
    public int Failed { get; init; }

    /// <summary>How many children have not finished yet.</summary>
    public int Pending { get; init; }

    /// <summary>The success callback job, if the batch has one.</summary>
    public JobId? SuccessJobId { get; init; }

    /// <summary>The failure callback job, if the batch has one.</summary>
    public JobId? FailureJobId { get; init; }

    /// <summary>When the batch was started.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last child finished; null while children are pending.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>What the batch does at its first failure.</summary>
    public BatchFailurePolicy FailurePolicy { get; init; }

    /// <summary>The batch this one is nested in (started by one of that batch's running children), or null.</summary>
    public BatchId? ParentBatchId { get; init; }
}
