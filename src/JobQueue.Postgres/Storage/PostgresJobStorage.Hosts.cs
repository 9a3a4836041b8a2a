using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

internal sealed partial class PostgresJobStorage
{
    public async ValueTask RecordHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        await RunAsync((c, ct) => _commands.RecordHeartbeatAsync(c, heartbeat, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> RemoveHostAsync(RemoveHostRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.RemoveHostAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<HostHeartbeat>> GetHostsAsync(CancellationToken cancellationToken) =>
        await RunAsync(_commands.GetHostsAsync, atomic: false, cancellationToken).ConfigureAwait(false);

    public async ValueTask<int> PruneHostsAsync(PruneHostsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.PruneHostsAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }
}
