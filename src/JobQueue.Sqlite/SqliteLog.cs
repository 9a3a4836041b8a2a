using Microsoft.Extensions.Logging;

namespace JobQueue.Sqlite;

/// <summary>The SQLite store's log messages (event ids 5200-5299).</summary>
internal static partial class SqliteLog
{
    [LoggerMessage(EventId = 5201, Level = LogLevel.Information,
        Message = "The SQLite database {DataSource} stayed locked by another connection for {BusyTimeout}; trying again in {Delay} (retry {Retry} of {RetryLimit})")]
    public static partial void BusyRetrying(ILogger logger, string dataSource, TimeSpan busyTimeout, TimeSpan delay, int retry, int retryLimit);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning,
        Message = "The SQLite database {DataSource} stayed locked by another connection through {Tries} tries of {BusyTimeout} each; the call fails. Another process may hold a long write transaction")]
    public static partial void BusyGaveUp(ILogger logger, string dataSource, int tries, TimeSpan busyTimeout, Exception error);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "Applied JobQueue schema migrations {Versions} to the SQLite database {DataSource}")]
    public static partial void MigrationsApplied(ILogger logger, string dataSource, string versions);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information,
        Message = "Opened the SQLite database {DataSource} (journal mode {JournalMode}, JobQueue schema version {SchemaVersion})")]
    public static partial void DatabaseOpened(ILogger logger, string dataSource, string journalMode, int schemaVersion);
}
