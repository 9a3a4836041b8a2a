using Microsoft.Extensions.Logging;

namespace JobQueue.Redis;

/// <summary>The Redis store's log messages (event ids 5300-5399).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning,
        Message = "Lost the {ConnectionType} connection to Redis at {Endpoint} ({FailureType}); StackExchange.Redis reconnects, and commands wait or fail meanwhile")]
    public static partial void ConnectionLost(ILogger logger, string connectionType, string endpoint, string failureType, Exception? error);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Information, Message = "Connected to Redis at {Endpoint} again ({ConnectionType} connection)")]
    public static partial void ConnectionRestored(ILogger logger, string endpoint, string connectionType);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Debug,
        Message = "Loaded the {Script} script into Redis (first use on this server, or after a restart, SCRIPT FLUSH or failover)")]
    public static partial void ScriptLoaded(ILogger logger, string script);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Warning, Message = "Could not renew the Redis pub/sub subscription after a reconnect; idle workers poll until it is back")]
    public static partial void ResubscribeFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 5305, Level = LogLevel.Warning,
        Message = "Could not fail {Count} fetched jobs whose id does not read; they return to the queue when their leases expire, and the next fetch tries again")]
    public static partial void UnnamedJobsNotFailed(ILogger logger, int count, Exception error);
}
