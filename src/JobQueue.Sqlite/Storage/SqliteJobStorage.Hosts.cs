using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteJobStorage
{
    public async ValueTask RecordHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        await WriteAsync(writer => writer.RecordHeartbeat(heartbeat), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<bool> RemoveHostAsync(RemoveHostRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.RemoveHost(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<HostHeartbeat>> GetHostsAsync(CancellationToken cancellationToken)
        => ReadAsync(reader => reader.GetHosts(), cancellationToken);

    public ValueTask<int> PruneHostsAsync(PruneHostsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.PruneHosts(request), cancellationToken);
    }
}
