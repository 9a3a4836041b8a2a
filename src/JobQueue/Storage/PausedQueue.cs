namespace JobQueue.Storage;

/// <summary>A paused queue, as <see cref="IJobStorage.GetPausedQueuesAsync"/> lists it.</summary>
public sealed record PausedQueue
{
    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>When it was paused (the now of the pause that found it running).</summary>
    public required DateTimeOffset PausedAt { get; init; }
}
