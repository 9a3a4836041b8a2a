namespace JobQueue.Storage;

/// <summary>The attempts of one queue that ended in one minute, as the store counted them.</summary>
public sealed record ThroughputBucket
{
    /// <summary>The start of the minute (UTC, whole minutes since the Unix epoch).</summary>
    public required DateTimeOffset Minute { get; init; }

    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>Attempts that succeeded (<see cref="IJobStorage.CompleteAsync"/>).</summary>
    public required long Succeeded { get; init; }

    /// <summary>
    /// Attempts that failed: every item of <see cref="IJobStorage.FailAsync"/> (retried or failed for good) and every
    /// lease <see cref="IJobStorage.RescueExpiredLeasesAsync"/> found expired.
    /// </summary>
    public required long Failed { get; init; }
}
