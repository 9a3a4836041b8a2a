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

    /// <summary>The batch the job belongs to, as a child or (when named by the batch) as a callback.</summary>
    public BatchId? BatchId { get; init; }

    /// <summary>The W3C trace context (traceparent) of the enqueue span, the parent of the execution span.</summary>
    public string? TraceParent { get; init; }
}
