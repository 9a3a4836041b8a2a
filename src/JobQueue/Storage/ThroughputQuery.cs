namespace JobQueue.Storage;

/// <summary>The minutes <see cref="IJobStorage.GetThroughputAsync"/> reads.</summary>
public sealed record ThroughputQuery
{
    /// <summary>Minutes that start at or after this time (the engine passes the start of a minute).</summary>
    public required DateTimeOffset Since { get; init; }
}
