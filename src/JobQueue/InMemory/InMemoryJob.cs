using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>
/// A job's mutable state; only touched under the store's lock, read out as <see cref="StoredJob"/> copies so
/// callers never see it change. The immutable <see cref="NewJob"/> is kept as is rather than copied field
/// by field, which keeps an enqueue to one small allocation per job.
/// </summary>
internal sealed class InMemoryJob
{
    public InMemoryJob(NewJob definition, InMemoryQueue queue, long sequence, BatchId? batchId, InMemoryBatch? parentBatch)
    {
        Definition = definition;
        Queue = queue;
        Sequence = sequence;
        BatchId = batchId;
        ParentBatch = parentBatch;
        RunAt = definition.RunAt;
    }

    public NewJob Definition { get; }

    public JobId Id => Definition.Id;

    public InMemoryQueue Queue { get; }

    /// <summary>The store-wide enqueue order, the last tie-breaker of fetch order.</summary>
    public long Sequence { get; }

    /// <summary>The batch the job belongs to, as a child or as a callback.</summary>
    public BatchId? BatchId { get; }

    /// <summary>The batch the job is a child of; null for callbacks and jobs outside batches.</summary>
    public InMemoryBatch? ParentBatch { get; }

    public JobState State { get; set; }

    public int Attempt { get; set; }

    public DateTimeOffset RunAt { get; set; }

    public DateTimeOffset EnqueuedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public byte[]? Result { get; set; }

    /// <summary>Replaced, never mutated, on each failed attempt, so copies handed out can share it.</summary>
    public JobError[] Errors { get; set; } = [];

    public JobProgress? Progress { get; set; }

    public Guid? LeaseToken { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public string? WorkerId { get; set; }

    public bool IsFinal => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    /// <summary>True while the attempt leased under <paramref name="token"/> is the job's current one.</summary>
    public bool HoldsLease(Guid token) => State == JobState.Running && LeaseToken == token;

    public void AppendError(JobError error) => Errors = [.. Errors, error];

    public StoredJob ToStored() => new()
    {
        Id = Definition.Id,
        Name = Definition.Name,
        Queue = Definition.Queue,
        State = State,
        Priority = Definition.Priority,
        Arguments = Definition.Arguments,
        Attempt = Attempt,
        MaxAttempts = Definition.MaxAttempts,
        Timeout = Definition.Timeout,
        RetryDelay = Definition.RetryDelay,
        RunAt = RunAt,
        EnqueuedAt = EnqueuedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        Result = Result,
        Errors = Errors,
        Progress = Progress,
        IdempotencyKey = Definition.IdempotencyKey,
        BatchId = BatchId,
        TraceParent = Definition.TraceParent,
        LeaseToken = LeaseToken,
        LeaseExpiresAt = LeaseExpiresAt,
        WorkerId = WorkerId,
    };
}
