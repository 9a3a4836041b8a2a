namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.PauseQueueAsync"/> pauses.</summary>
public sealed record PauseQueueRequest
{
    /// <summary>The queue to pause.</summary>
    public required string Queue { get; init; }

    /// <summary>The engine's clock: stored as the pause time of a queue that was not paused yet.</summary>
    public required DateTimeOffset Now { get; init; }
}
