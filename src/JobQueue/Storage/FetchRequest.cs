namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.FetchAsync"/> leases.</summary>
public sealed record FetchRequest
{
    /// <summary>The queue to lease from.</summary>
    public required string Queue { get; init; }

    /// <summary>The most jobs to lease, at least 1.</summary>
    public required int Limit { get; init; }

    /// <summary>The engine's clock.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>A fresh token for this lease; every later write for the leased jobs names it.</summary>
    public required Guid LeaseToken { get; init; }

    /// <summary>When the lease expires unless extended.</summary>
    public required DateTimeOffset LeaseExpiresAt { get; init; }

    /// <summary>Who holds the lease, for diagnostics (host name, process id).</summary>
    public required string WorkerId { get; init; }

    /// <summary>The flow limits that apply to this queue's jobs, or null for none (the plain, fastest fetch).</summary>
    public FetchLimits? Limits { get; init; }
}
