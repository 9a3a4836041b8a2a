using JobQueue.Storage;

namespace JobQueue.Hosting;

/// <summary>
/// When a host counts as gone, and when its record may be pruned: policy of the core, decided from what each host
/// wrote about itself (its own heartbeat interval), so hosts with different settings judge each other alike.
/// </summary>
internal static class HostLiveness
{
    /// <summary>How many heartbeats a host may miss before it is listed as gone.</summary>
    public const int MissedHeartbeats = 3;

    /// <summary>How long a gone host stays listed before its record is pruned.</summary>
    public static readonly TimeSpan GoneRetention = TimeSpan.FromHours(1);

    public static HostStatus StatusAt(HostHeartbeat host, DateTimeOffset now)
        => now - host.SeenAt > host.Interval * MissedHeartbeats ? HostStatus.Gone : HostStatus.Alive;

    /// <summary>The expiry stored with a heartbeat: an hour after the host would count as gone.</summary>
    public static DateTimeOffset ExpiresAt(DateTimeOffset seenAt, TimeSpan interval)
        => seenAt + (interval * MissedHeartbeats) + GoneRetention;
}
