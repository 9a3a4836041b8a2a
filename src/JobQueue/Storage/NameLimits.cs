namespace JobQueue.Storage;

/// <summary>The limits of one job name within <see cref="FetchLimits"/>.</summary>
public sealed record NameLimits
{
    /// <summary>The job name they apply to.</summary>
    public required string Name { get; init; }

    /// <summary>Running jobs per limit key for this name's jobs (overrides the queue's), or null.</summary>
    public int? ConcurrencyPerKey { get; init; }

    /// <summary>Starts of this name's jobs across the store, or null.</summary>
    public RateLimit? Rate { get; init; }

    /// <summary>Starts per limit key for this name's jobs (overrides the queue's), or null.</summary>
    public RateLimit? RatePerKey { get; init; }
}
