using System.Globalization;

namespace JobQueue.Redis.Resp;

/// <summary>How times and numbers are written for the scripts: exact, comparable strings.</summary>
internal static class RespValues
{
    /// <summary>UTC ticks, zero-padded to 19 digits so Lua's string comparison is numeric comparison.</summary>
    public static string Ticks(DateTimeOffset value) => value.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Unix microseconds: a zset score, exact in a double for any date in use.</summary>
    public static string Score(DateTimeOffset value)
        => ((value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).ToString(CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Appends <see cref="Ticks"/> of <paramref name="value"/> without an intermediate string.</summary>
    public static RespCommand AddTicks(this RespCommand command, DateTimeOffset value) => command.AddPadded(value.UtcTicks, 19);

    /// <summary>Appends <see cref="Score"/> of <paramref name="value"/> without an intermediate string.</summary>
    public static RespCommand AddScore(this RespCommand command, DateTimeOffset value)
        => command.Add((value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);

    public static DateTimeOffset ParseTime(string ticks) => new(long.Parse(ticks, NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);
}
