using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteTransactionStorage
{
    public async ValueTask RecordHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken)
        => await Write(writer => writer.RecordHeartbeat(heartbeat), cancellationToken).ConfigureAwait(false);

    public ValueTask<bool> RemoveHostAsync(RemoveHostRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.RemoveHost(request), cancellationToken);

    public ValueTask<IReadOnlyList<HostHeartbeat>> GetHostsAsync(CancellationToken cancellationToken)
        => Read(reader => reader.GetHosts(), cancellationToken);

    public ValueTask<int> PruneHostsAsync(PruneHostsRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.PruneHosts(request), cancellationToken);
}
