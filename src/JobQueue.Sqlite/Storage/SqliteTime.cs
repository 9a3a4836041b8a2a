namespace JobQueue.Sqlite.Storage;

/// <summary>
/// Times are stored as INTEGER 100-nanosecond ticks since the Unix epoch (UTC): exact round trips of the engine's
/// DateTimeOffset values, ordered as numbers, and readable in SQL as datetime(x / 10000000, 'unixepoch').
/// </summary>
internal static class SqliteTime
{
    // The stored values DateTimeOffset can hold: year 1 to year 9999.
    private static readonly long s_min = DateTimeOffset.MinValue.UtcTicks - DateTime.UnixEpoch.Ticks;
    private static readonly long s_max = DateTimeOffset.MaxValue.UtcTicks - DateTime.UnixEpoch.Ticks;

    public static long ToStored(DateTimeOffset value) => value.UtcTicks - DateTime.UnixEpoch.Ticks;

    public static DateTimeOffset FromStored(long value) => new(value + DateTime.UnixEpoch.Ticks, TimeSpan.Zero);

    /// <summary>False for a stored value outside the years DateTimeOffset holds (a damaged row).</summary>
    public static bool TryFromStored(long value, out DateTimeOffset time)
    {
        bool inRange = value >= s_min && value <= s_max;
        time = inRange ? FromStored(value) : default;
        return inRange;
    }
}
