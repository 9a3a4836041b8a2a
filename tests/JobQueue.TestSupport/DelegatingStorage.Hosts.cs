using JobQueue.Storage;

namespace JobQueue.TestSupport;

public abstract partial class DelegatingStorage
{
    /// <inheritdoc />
    public virtual ValueTask RecordHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken) => inner.RecordHeartbeatAsync(heartbeat, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> RemoveHostAsync(RemoveHostRequest request, CancellationToken cancellationToken) => inner.RemoveHostAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<HostHeartbeat>> GetHostsAsync(CancellationToken cancellationToken) => inner.GetHostsAsync(cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<int> PruneHostsAsync(PruneHostsRequest request, CancellationToken cancellationToken) => inner.PruneHostsAsync(request, cancellationToken);
}
