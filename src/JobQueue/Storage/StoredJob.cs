namespace JobQueue.Storage;

/// <summary>A job as the store holds it.</summary>
public sealed record StoredJob
{
    /// <summary>The job's id.</summary>
    public required JobId Id { get; init; }

    /// <summary>The job's stable name.</summary>
    public required string Name { get; init; }

    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>The state.</summary>
    public required JobState State { get; init; }

    /// <summary>Higher runs first within the queue.</summary>
    public int Priority { get; init; }

    /// <summary>The arguments as UTF-8 JSON.</summary>
    public required byte[] Arguments { get; init; }

    /// <summary>The current or last attempt, 0 before the first lease.</summary>
    public int Attempt { get; init; }

    /// <summary>Attempts allowed.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>How long one attempt may run.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>The base delay of the first retry.</summary>
    public TimeSpan RetryDelay { get; init; }

    /// <summary>When the job is, or was, due.</summary>
    public DateTimeOffset RunAt { get; init; }

    /// <summary>When the job was enqueued.</summary>
    public DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>When the current or last attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The result as UTF-8 JSON, once succeeded with one.</summary>
    public byte[]? Result { get; init; }

    /// <summary>Every failed attempt's error, oldest first.</summary>
    public IReadOnlyList<JobError> Errors { get; init; } = [];

    /// <summary>The last reported progress.</summary>
    public JobProgress? Progress { get; init; }

    /// <summary>The idempotency key, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The batch the job belongs to, as a child or callback.</summary>
    public BatchId? BatchId { get; init; }

    /// <summary>The enqueue span's W3C trace context.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The current lease's token while Running.</summary>
    public Guid? LeaseToken { get; init; }

    /// <summary>The current lease's expiry while Running.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The current lease's holder while Running.</summary>
    public string? WorkerId { get; init; }
}
