namespace JobQueue;

/// <summary>Settings for every job of one type, given to <c>AddJob&lt;TJob&gt;(j =&gt; ...)</c>.</summary>
public sealed class JobOptions
{
    /// <summary>The queue jobs of this type run in.</summary>
    /// <value>Defaults to "default".</value>
    public string Queue { get; set; } = JobQueueOptions.DefaultQueueName;

    /// <summary>Higher runs first within a queue.</summary>
    /// <value>Defaults to 0.</value>
    public int Priority { get; set; }

    /// <summary>How long one attempt may run before its cancellation token fires.</summary>
    /// <value>Defaults to 10 minutes. Positive and at most about 49.7 days, the longest a .NET timer accepts.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many attempts a job may make before it fails for good (1 means no retry).</summary>
    /// <value>Defaults to 10.</value>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>
    /// The delay before the first retry. Later retries double it each time, with ±20% jitter, up to
    /// <see cref="JobQueueOptions.MaxRetryDelay"/>.
    /// </summary>
    /// <value>Defaults to 5 seconds. Zero or more, at most about 49.7 days.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// At most this many jobs of this type with the same <see cref="EnqueueOptions.LimitKey"/> run at once across every host;
    /// overrides the queue's <see cref="QueueOptions.ConcurrencyPerKey"/>. Jobs over the limit stay Enqueued, spend no attempt,
    /// and do not hold back jobs with other keys.
    /// </summary>
    /// <value>Null (the default): the queue's, if any.</value>
    public int? ConcurrencyPerKey { get; set; }

    /// <summary>At most this many jobs of this type start per period across every host.</summary>
    /// <value>Null (the default): no limit.</value>
    public RateLimit? RateLimit { get; set; }

    /// <summary>At most this many jobs of this type with the same limit key start per period; overrides the queue's <see cref="QueueOptions.RateLimitPerKey"/>.</summary>
    /// <value>Null (the default): the queue's, if any.</value>
    public RateLimit? RateLimitPerKey { get; set; }
}
