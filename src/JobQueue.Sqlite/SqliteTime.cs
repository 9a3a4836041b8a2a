namespace JobQueue.Sqlite;

/// <summary>
/// Times are stored as INTEGER 100-nanosecond ticks since the Unix epoch (UTC): exact round trips of the engine's
/// DateTimeOffset values, ordered as numbers, and readable in SQL as datetime(x / 10000000, 'unixepoch').
/// </summary>
internal static class SqliteTime
{
    public static long ToStored(DateTimeOffset value) => value.UtcTicks - DateTime.UnixEpoch.Ticks;

    public static DateTimeOffset FromStored(long value) => new(value + DateTime.UnixEpoch.Ticks, TimeSpan.Zero);
}
