namespace JobQueue;

/// <summary>
/// Per-enqueue settings. Every property left null falls back to the job type's options
/// (<see cref="JobOptions"/>), then to the defaults.
/// </summary>
public sealed class EnqueueOptions
{
    /// <summary>The queue to run in; defaults to the job type's queue.</summary>
    public string? Queue { get; set; }

    /// <summary>Higher runs first within a queue; defaults to the job type's priority (0).</summary>
    public int? Priority { get; set; }

    /// <summary>
    /// Run no earlier than this long after enqueue: zero or more, at most about 49.7 days (the longest span any
    /// setting takes); for a later start set <see cref="RunAt"/>. Cannot be combined with <see cref="RunAt"/>.
    /// </summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>Run no earlier than this time. Cannot be combined with <see cref="Delay"/>.</summary>
    public DateTimeOffset? RunAt { get; set; }

    /// <summary>How many attempts the job may make, at least 1; defaults to the job type's.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>How long one attempt may run before its token is cancelled, positive and at most about 49.7 days; defaults to the job type's.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>The base delay before the first retry, zero or more and at most about 49.7 days; defaults to the job type's.</summary>
    public TimeSpan? RetryDelay { get; set; }

    /// <summary>
    /// While a job with this key is live (not failed for good and not cancelled, and not yet pruned), a
    /// second enqueue with the same key writes nothing and returns the first job's id.
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>How long the job holds <see cref="IdempotencyKey"/>.</summary>
    /// <value>Defaults to <see cref="JobQueue.IdempotencyScope.UntilSucceeded"/>.</value>
    public IdempotencyScope IdempotencyScope { get; set; }

    /// <summary>With <see cref="JobQueue.IdempotencyScope.ForPeriod"/>: how long after the enqueue the key is held; required then, positive.</summary>
    public TimeSpan? IdempotencyPeriod { get; set; }

    /// <summary>What the enqueue does when a job holds <see cref="IdempotencyKey"/>.</summary>
    /// <value>Defaults to <see cref="IdempotencyConflict.ReturnExisting"/>.</value>
    public IdempotencyConflict OnConflict { get; set; }

    /// <summary>
    /// The key per-key limits count this job by, for example a customer id: with <see cref="JobOptions.ConcurrencyPerKey"/>
    /// (or the queue's) at most that many jobs with the same key run at once across every host, and rate limits per key count
    /// its starts. Keys are global across queues and job types. Null (the default): no per-key limit applies.
    /// </summary>
    public string? LimitKey { get; set; }
}
