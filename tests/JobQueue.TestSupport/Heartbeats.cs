using JobQueue.Storage;

namespace JobQueue.TestSupport;

/// <summary>Host-registry records for tests that need another process's worker host, without running one.</summary>
public static class Heartbeats
{
    /// <summary>
    /// A worker host on another machine serving <paramref name="queues"/> (concurrency 1 each), as its heartbeat at
    /// <paramref name="seenAt"/> says: alive until it misses three <paramref name="interval"/>s, pruned two hours later.
    /// </summary>
    public static HostHeartbeat Serving(string hostId, DateTimeOffset seenAt, TimeSpan interval, params string[] queues) => new()
    {
        HostId = hostId,
        MachineName = "elsewhere",
        ProcessId = 1,
        StartedAt = seenAt,
        Version = "test",
        Queues = [.. queues.Select(queue => new HostQueue { Queue = queue, Concurrency = 1, Running = 0, Paused = false })],
        Running = 0,
        Interval = interval,
        SeenAt = seenAt,
        ExpiresAt = seenAt.AddHours(2),
    };
}
