using Microsoft.Extensions.Logging;

namespace JobQueue.Postgres;

/// <summary>The PostgreSQL store's log messages (event ids 5100-5199).</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning,
        Message = "Lost the LISTEN connection on channel {Channel}; reconnecting in {Delay}. Workers poll meanwhile")]
    public static partial void ListenerLost(ILogger logger, string channel, TimeSpan delay, Exception error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Listening on channel {Channel} again")]
    public static partial void ListenerReconnected(ILogger logger, string channel);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Applied JobQueue schema migrations {Versions} to schema {Schema}")]
    public static partial void MigrationsApplied(ILogger logger, string schema, string versions);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning,
        Message = "Cannot reach PostgreSQL to create or upgrade the JobQueue schema {Schema}; the application runs on, enqueues fail and workers wait until it answers. Trying again in {Delay}")]
    public static partial void SchemaWaiting(ILogger logger, string schema, TimeSpan delay, Exception error);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "PostgreSQL answers again; the JobQueue schema {Schema} is in place")]
    public static partial void SchemaReady(ILogger logger, string schema);
}
