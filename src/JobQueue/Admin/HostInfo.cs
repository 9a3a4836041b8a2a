namespace JobQueue;

/// <summary>A worker host as <see cref="IJobAdmin.GetHostsAsync"/> lists it, from its last heartbeat.</summary>
public sealed class HostInfo
{
    /// <summary>The host's id: unique per start of a host, and the worker id on the leases it takes.</summary>
    public required string Id { get; init; }

    /// <summary>The machine the host runs on.</summary>
    public required string MachineName { get; init; }

    /// <summary>The host's process id.</summary>
    public int ProcessId { get; init; }

    /// <summary>When the host started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The JobQueue version the host runs.</summary>
    public required string Version { get; init; }

    /// <summary>The queues the host serves, with their concurrency and running jobs.</summary>
    public IReadOnlyList<HostQueueInfo> Queues { get; init; } = [];

    /// <summary>How many jobs the host ran at its last heartbeat.</summary>
    public int Running { get; init; }

    /// <summary>When the host last wrote a heartbeat.</summary>
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>Whether the host is alive: gone once it has missed three heartbeats.</summary>
    public HostStatus Status { get; init; }
}
