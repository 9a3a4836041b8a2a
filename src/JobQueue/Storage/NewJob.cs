namespace JobQueue.Storage;

/// <summary>A job to write. The engine resolves every default before the store sees it.</summary>
public sealed record NewJob
{
    /// <summary>The job's id, made by the client.</summary>
    public required JobId Id { get; init; }

    /// <summary>The job's stable name; the engine maps it to a handler, never to a type named by stored data.</summary>
    public required string Name { get; init; }

    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>Higher runs first within the queue.</summary>
    public int Priority { get; init; }

    /// <summary>The arguments as UTF-8 JSON.</summary>
    public required byte[] Arguments { get; init; }

    /// <summary>Attempts allowed, at least 1.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>How long one attempt may run.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>The base delay of the first retry.</summary>
    public required TimeSpan RetryDelay { get; init; }

    /// <summary>When the job is due; a time after the request's now makes it Scheduled.</summary>
    public required DateTimeOffset RunAt { get; init; }

    /// <summary>The idempotency key, if any; see <see cref="IJobStorage.EnqueueAsync"/>.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>How long the job holds <see cref="IdempotencyKey"/> once written; see <see cref="JobQueue.IdempotencyScope"/>.</summary>
    /// <remarks>
    /// A store finds the holder of a key as the newest job with that key that still holds it: by its state
    /// (<see cref="JobQueue.IdempotencyScope.UntilSucceeded"/>: not Failed or Cancelled;
    /// <see cref="JobQueue.IdempotencyScope.WhileQueued"/>: Scheduled, Enqueued or Awaiting;
    /// <see cref="JobQueue.IdempotencyScope.WhileQueuedOrRunning"/>: those or Running), or for
    /// <see cref="JobQueue.IdempotencyScope.ForPeriod"/> by <see cref="IdempotencyUntil"/> being after the enqueue's now.
    /// </remarks>
    public IdempotencyScope IdempotencyScope { get; init; }

    /// <summary>For <see cref="JobQueue.IdempotencyScope.ForPeriod"/>: the key is held until this time, whatever the job's state; null otherwise.</summary>
    public DateTimeOffset? IdempotencyUntil { get; init; }

    /// <summary>
    /// When a holder of <see cref="IdempotencyKey"/> exists and is Scheduled or Enqueued: replace its arguments and run time
    /// with this job's (a debounce) instead of leaving it as it is. Never set on a batch's child or callback.
    /// </summary>
    public bool ReplaceOnConflict { get; init; }

    /// <summary>
    /// The key that per-key limits count by (for example a customer id): at fetch, a job with a key waits while as many jobs
    /// with the same key run as its limit allows (see <see cref="FetchLimits"/>). Keys are global: the same key in two
    /// queues counts together. Null for a job without one.
    /// </summary>
    public string? LimitKey { get; init; }

    /// <summary>The batch the job belongs to, as a child or (when named by the batch) as a callback.</summary>
    public BatchId? BatchId { get; init; }

    /// <summary>The W3C trace context (traceparent) of the enqueue span, the parent of the execution span.</summary>
    public string? TraceParent { get; init; }
}
