namespace JobQueue;

/// <summary>One queue a host serves, as of the host's last heartbeat (<see cref="HostInfo.Queues"/>).</summary>
public sealed class HostQueueInfo
{
    /// <summary>The queue's name.</summary>
    public required string Name { get; init; }

    /// <summary>How many of the queue's jobs the host runs at once at most.</summary>
    public int Concurrency { get; init; }

    /// <summary>How many of the queue's jobs the host ran at its last heartbeat.</summary>
    public int Running { get; init; }

    /// <summary>Whether the host had seen the queue paused at its last heartbeat; a host writes one as soon as it sees a pause or a resume.</summary>
    public bool Paused { get; init; }
}
