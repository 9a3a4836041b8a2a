namespace JobQueue.Storage;

/// <summary>
/// What a worker host says of itself on every heartbeat (<see cref="IJobStorage.RecordHeartbeatAsync"/>), and what
/// <see cref="IJobStorage.GetHostsAsync"/> gives back: the store keeps each host's last one as it was written.
/// </summary>
public sealed record HostHeartbeat
{
    /// <summary>The host's id: unique per host start, the same as the worker id on the leases it takes.</summary>
    public required string HostId { get; init; }

    /// <summary>The machine the host runs on.</summary>
    public required string MachineName { get; init; }

    /// <summary>The host's process id.</summary>
    public required int ProcessId { get; init; }

    /// <summary>When the host started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The JobQueue version the host runs.</summary>
    public required string Version { get; init; }

    /// <summary>The queues the host serves, in the host's order.</summary>
    public required IReadOnlyList<HostQueue> Queues { get; init; }

    /// <summary>How many jobs the host ran when it wrote the heartbeat.</summary>
    public required int Running { get; init; }

    /// <summary>How often the host writes a heartbeat; the engine counts a host gone after three of these without one.</summary>
    public required TimeSpan Interval { get; init; }

    /// <summary>The engine's clock when the heartbeat was written: when the host was last seen.</summary>
    public required DateTimeOffset SeenAt { get; init; }

    /// <summary>When <see cref="IJobStorage.PruneHostsAsync"/> may delete the record if no later heartbeat replaced it.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
