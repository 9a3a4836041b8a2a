using JobQueue.Hosting;
using JobQueue.Storage;

namespace JobQueue.Admin;

internal sealed partial class JobAdmin
{
    public async ValueTask<IReadOnlyList<HostInfo>> GetHostsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<HostHeartbeat> hosts = await _storage.GetHostsAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        return
        [
            .. hosts
                .Select(host => new HostInfo
                {
                    Id = host.HostId,
                    MachineName = host.MachineName,
                    ProcessId = host.ProcessId,
                    StartedAt = host.StartedAt,
                    Version = host.Version,
                    Queues = [.. host.Queues.Select(static q => new HostQueueInfo { Name = q.Queue, Concurrency = q.Concurrency, Running = q.Running, Paused = q.Paused })],
                    Running = host.Running,
                    LastSeen = host.SeenAt,
                    Status = HostLiveness.StatusAt(host, now),
                })
                .OrderBy(static h => h.Status)
                .ThenBy(static h => h.MachineName, StringComparer.Ordinal)
                .ThenBy(static h => h.StartedAt)
                .ThenBy(static h => h.Id, StringComparer.Ordinal),
        ];
    }
}
