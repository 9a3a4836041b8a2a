namespace JobQueue;

/// <summary>How many attempts of one queue ended in one minute, by outcome: a point of the throughput chart.</summary>
public sealed record ThroughputPoint
{
    /// <summary>The start of the minute, in UTC.</summary>
    public required DateTimeOffset Minute { get; init; }

    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>Attempts that succeeded in this minute.</summary>
    public required long Succeeded { get; init; }

    /// <summary>
    /// Attempts that failed in this minute: the ones that will be retried, the ones that failed for good, and the ones
    /// whose worker stopped renewing its lease.
    /// </summary>
    public required long Failed { get; init; }
}
