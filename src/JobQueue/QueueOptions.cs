namespace JobQueue;

/// <summary>A named queue served by the worker host, declared with <c>AddQueue(name, concurrency)</c>.</summary>
public sealed class QueueOptions
{
    /// <summary>The queue's name.</summary>
    public required string Name { get; init; }

    /// <summary>Maximum number of jobs of this queue that run at once in one host.</summary>
    /// <value>Defaults to 1.</value>
    public int Concurrency { get; set; } = 1;

    /// <summary>Maximum number of this queue's jobs running at once across every host, beside each host's <see cref="Concurrency"/>.</summary>
    /// <value>Null (the default): no limit beyond each host's.</value>
    public int? GlobalConcurrency { get; set; }

    /// <summary>Maximum number of jobs with the same limit key running at once, for this queue's job types without their own.</summary>
    /// <value>Null (the default): no per-key limit.</value>
    public int? ConcurrencyPerKey { get; set; }

    /// <summary>Maximum number of this queue's jobs starting per period across every host.</summary>
    /// <value>Null (the default): no limit.</value>
    public RateLimit? RateLimit { get; set; }

    /// <summary>Maximum number of jobs with the same limit key starting per period, for this queue's job types without their own.</summary>
    /// <value>Null (the default): no limit.</value>
    public RateLimit? RateLimitPerKey { get; set; }
}
