using System.Globalization;

namespace JobQueue.Dashboard.Rendering;

/// <summary>How times, durations and counts read on the pages (invariant culture, UTC).</summary>
internal static class Format
{
    public static string Time(DateTimeOffset? value)
        => value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "—";

    public static string Duration(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            value = TimeSpan.Zero;
        }

        return value.TotalSeconds < 1 ? $"{value.TotalMilliseconds:0} ms"
            : value.TotalMinutes < 1 ? $"{value.TotalSeconds:0.#} s"
            : value.TotalHours < 1 ? $"{(int)value.TotalMinutes} min {value.Seconds} s"
            : value.TotalDays < 1 ? $"{(int)value.TotalHours} h {value.Minutes} min"
            : $"{(int)value.TotalDays} d {value.Hours} h";
    }

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Total(JobPage page) => Count(page.Total) + (page.TotalIsExact ? "" : "+");
}
