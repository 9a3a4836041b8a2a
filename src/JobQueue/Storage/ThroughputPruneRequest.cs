namespace JobQueue.Storage;

/// <summary>The throughput counts <see cref="IJobStorage.PruneThroughputAsync"/> deletes.</summary>
public sealed record ThroughputPruneRequest
{
    /// <summary>Minutes that start before this time are deleted.</summary>
    public required DateTimeOffset Before { get; init; }

    /// <summary>The most (minute, queue) counts to delete in this call.</summary>
    public required int Limit { get; init; }
}
