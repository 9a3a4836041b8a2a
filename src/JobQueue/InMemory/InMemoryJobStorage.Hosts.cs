using JobQueue.Storage;

namespace JobQueue.InMemory;

internal sealed partial class InMemoryJobStorage
{
    // Host id to its last heartbeat, guarded by _lock like everything else.
    private readonly Dictionary<string, HostHeartbeat> _hosts = new(StringComparer.Ordinal);

    public ValueTask RecordHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        ArgumentNullException.ThrowIfNull(heartbeat.HostId, nameof(heartbeat));

        // The caller's list may be a mutable one: the store keeps a copy, as a durable store keeps what it wrote.
        HostHeartbeat stored = heartbeat with { Queues = [.. heartbeat.Queues] };
        lock (_lock)
        {
            _hosts[heartbeat.HostId] = stored;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> RemoveHostAsync(RemoveHostRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.HostId, nameof(request));
        lock (_lock)
        {
            return new ValueTask<bool>(_hosts.Remove(request.HostId));
        }
    }

    public ValueTask<IReadOnlyList<HostHeartbeat>> GetHostsAsync(CancellationToken cancellationToken)
    {
        List<HostHeartbeat> hosts;
        lock (_lock)
        {
            hosts = [.. _hosts.Values];
        }

        hosts.Sort(static (a, b) => string.CompareOrdinal(a.HostId, b.HostId));
        return new ValueTask<IReadOnlyList<HostHeartbeat>>(hosts);
    }

    public ValueTask<int> PruneHostsAsync(PruneHostsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        int pruned = 0;
        lock (_lock)
        {
            // A handful of hosts: a scan costs less than an index every heartbeat would have to keep.
            List<string>? expired = null;
            foreach (HostHeartbeat host in _hosts.Values)
            {
                if (host.ExpiresAt <= request.Now && (expired?.Count ?? 0) < request.Limit)
                {
                    (expired ??= []).Add(host.HostId);
                }
            }

            foreach (string id in expired ?? [])
            {
                _hosts.Remove(id);
                pruned++;
            }
        }

        return new ValueTask<int>(pruned);
    }
}
