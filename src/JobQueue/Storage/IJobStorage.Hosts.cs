namespace JobQueue.Storage;

/// <summary>The host registry: every worker host's last heartbeat, kept until the engine prunes it.</summary>
public partial interface IJobStorage
{
    /// <summary>Stores a host's heartbeat, replacing the host's previous one (one record per <see cref="HostHeartbeat.HostId"/>).</summary>
    ValueTask RecordHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken);

    /// <summary>Deletes a host's record, as a host does when it stops.</summary>
    /// <returns>True when the host had a record.</returns>
    ValueTask<bool> RemoveHostAsync(RemoveHostRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Lists every host's last heartbeat, by host id (ordinal order), as it was stored: the engine decides from
    /// <see cref="HostHeartbeat.SeenAt"/> and <see cref="HostHeartbeat.Interval"/> whether a host is gone.
    /// </summary>
    /// <remarks>A record whose queue list does not read (damaged behind the store's back) is listed with no queues, never thrown over.</remarks>
    ValueTask<IReadOnlyList<HostHeartbeat>> GetHostsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <see cref="PruneHostsRequest.Limit"/> host records whose <see cref="HostHeartbeat.ExpiresAt"/> is not
    /// after <see cref="PruneHostsRequest.Now"/>. Safe when every host runs it at the same time.
    /// </summary>
    /// <returns>How many records were deleted.</returns>
    ValueTask<int> PruneHostsAsync(PruneHostsRequest request, CancellationToken cancellationToken);
}
