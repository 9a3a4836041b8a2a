using Microsoft.Extensions.Logging;

namespace JobQueue.Diagnostics;

/// <summary>Messages of paused queues and host heartbeats: 12xx, beside the host's 1xxx.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Queue {Queue} is paused (since {PausedAt}): this host starts none of its jobs until it is resumed")]
    public static partial void QueuePausedSeen(this ILogger logger, string queue, DateTimeOffset pausedAt);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Queue {Queue} is resumed: this host starts its jobs again")]
    public static partial void QueueResumedSeen(this ILogger logger, string queue);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning,
        Message = "Reading the paused queues failed; this host keeps what it last read (the store still refuses a paused queue's jobs) and tries again")]
    public static partial void PausedQueuesUnreadable(this ILogger logger, Exception error);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Writing this host's heartbeat failed; retrying at the next heartbeat")]
    public static partial void HeartbeatFailed(this ILogger logger, Exception error);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Debug, Message = "Pruned {Count} host records whose hosts were gone for {Retention}")]
    public static partial void HostsPruned(this ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Removing this host's record at shutdown failed; it is listed as gone, then pruned")]
    public static partial void HostRemovalFailed(this ILogger logger, Exception error);
}
