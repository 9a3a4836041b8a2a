namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.PruneHostsAsync"/> deletes.</summary>
public sealed record PruneHostsRequest
{
    /// <summary>The engine's clock: host records whose expiry is not after it are deleted.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The most records to delete in this call.</summary>
    public required int Limit { get; init; }
}
