using System.Buffers.Text;
using System.Globalization;

namespace JobQueue.Redis.Storage;

/// <summary>How times and numbers are written for the scripts and read back: exact, comparable strings.</summary>
internal static class RedisValues
{
    /// <summary>How many digits <see cref="Ticks"/> pads to.</summary>
    public const int TicksDigits = 19;

    /// <summary>UTC ticks, zero-padded to 19 digits so Lua's string comparison is numeric comparison.</summary>
    public static string Ticks(DateTimeOffset value) => value.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Unix microseconds: a zset score, exact in a double for any date in use.</summary>
    public static long Score(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>A progress percentage as the store has always written it: round-trippable, invariant.</summary>
    public static string Percent(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Reads <see cref="Ticks"/> back.</summary>
    /// <exception cref="FormatException">The text is not a whole number of ticks.</exception>
    public static DateTimeOffset ParseTime(ReadOnlySpan<byte> ticks)
        => Utf8Parser.TryParse(ticks, out long value, out int used) && used == ticks.Length && value >= 0
            ? new DateTimeOffset(value, TimeSpan.Zero)
            : throw new FormatException($"A stored time holds '{System.Text.Encoding.UTF8.GetString(ticks)}' where UTC ticks were expected.");
}
