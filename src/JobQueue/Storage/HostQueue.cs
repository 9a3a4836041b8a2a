namespace JobQueue.Storage;

/// <summary>One queue a host serves, in its <see cref="HostHeartbeat"/>.</summary>
public sealed record HostQueue
{
    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>How many of its jobs the host runs at once at most.</summary>
    public required int Concurrency { get; init; }

    /// <summary>How many of its jobs the host ran when it wrote the heartbeat.</summary>
    public required int Running { get; init; }

    /// <summary>Whether the host saw the queue paused when it wrote the heartbeat.</summary>
    public required bool Paused { get; init; }
}
