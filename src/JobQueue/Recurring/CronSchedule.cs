using System.Diagnostics.CodeAnalysis;
using Cronos;

namespace JobQueue.Recurring;

/// <summary>
/// A parsed cron expression in its time zone: the occurrences of a recurring job. Cronos does the calendar work,
/// daylight saving time included: a local time skipped in spring runs at the next valid time; when clocks fall back, a
/// fixed-time expression runs once and an interval expression runs in both copies of the repeated hour.
/// </summary>
internal sealed class CronSchedule
{
    /// <summary>The run time of a schedule that has no occurrence left (a date that never comes); it is never due.</summary>
    public static readonly DateTimeOffset Never = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        _zone = zone;
    }

    /// <summary>Parses an expression and a time zone; the message of a failure names the bad value and says what is expected.</summary>
    public static bool TryParse(string? cron, string? timeZone, [NotNullWhen(true)] out CronSchedule? schedule, [NotNullWhen(false)] out string? problem)
    {
        schedule = null;
        if (!TryParseExpression(cron, out CronExpression? expression, out problem))
        {
            return false;
        }

        if (!TryFindZone(timeZone, out TimeZoneInfo? zone, out problem))
        {
            return false;
        }

        schedule = new CronSchedule(expression, zone);
        return true;
    }

    /// <exception cref="ArgumentException">The expression or the time zone is invalid; the message names it.</exception>
    public static CronSchedule Parse(string? cron, string? timeZone, string context)
        => TryParse(cron, timeZone, out CronSchedule? schedule, out string? problem)
            ? schedule
            : throw new ArgumentException($"{context}: {problem}");

    /// <summary>The first occurrence after <paramref name="time"/> (or at it, when inclusive), in UTC; <see cref="Never"/> when none is left.</summary>
    public DateTimeOffset Next(DateTimeOffset time, bool inclusive = false)
        => _expression.GetNextOccurrence(time, _zone, inclusive)?.ToUniversalTime() ?? Never;

    /// <summary>The occurrences from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive), latest first, in UTC.</summary>
    public IEnumerable<DateTimeOffset> LatestFirst(DateTimeOffset start, DateTimeOffset end)
        => start >= end
            ? []
            : _expression.GetOccurrencesDescending(end, start, _zone, fromInclusive: false, toInclusive: true).Select(static o => o.ToUniversalTime());

    /// <summary>
    /// <paramref name="first"/>, an occurrence (a stored next run time), and the occurrences after it: <paramref name="count"/> in all, in UTC.
    /// </summary>
    /// <remarks>The first is taken as it is: one Cronos moved out of a skipped hour in spring does not match the expression again.</remarks>
    public IReadOnlyList<DateTimeOffset> Upcoming(DateTimeOffset first, int count)
    {
        var upcoming = new List<DateTimeOffset>(count);
        DateTimeOffset next = first;
        while (upcoming.Count < count && next != Never)
        {
            upcoming.Add(next);
            next = Next(next);
        }

        return upcoming;
    }

    private static bool TryParseExpression(string? cron, [NotNullWhen(true)] out CronExpression? expression, [NotNullWhen(false)] out string? problem)
    {
        expression = null;
        if (string.IsNullOrWhiteSpace(cron))
        {
            problem = "the cron expression is empty; give five fields (minute hour day-of-month month day-of-week), such as \"0 2 * * *\", or six with seconds first, such as \"*/5 * * * * *\"";
            return false;
        }

        string[] fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        CronFormat format = fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        if (fields.Length is not (5 or 6) && !(fields.Length == 1 && fields[0].StartsWith('@')))
        {
            problem = $"the cron expression \"{cron}\" has {fields.Length} fields; give five (minute hour day-of-month month day-of-week), such as \"0 2 * * *\", or six with seconds first, such as \"*/5 * * * * *\"";
            return false;
        }

        try
        {
            expression = CronExpression.Parse(cron.Trim(), format);
            problem = null;
            return true;
        }
        catch (CronFormatException ex)
        {
            problem = $"the cron expression \"{cron}\" does not parse: {ex.Message}";
            return false;
        }
    }

    private static bool TryFindZone(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone, [NotNullWhen(false)] out string? problem)
    {
        zone = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(id))
        {
            problem = "the time zone is empty; give an IANA id such as \"Europe/Berlin\", a Windows id such as \"W. Europe Standard Time\", or \"UTC\"";
            return false;
        }

        if (string.Equals(id, "UTC", StringComparison.OrdinalIgnoreCase))
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone))
        {
            return true;
        }

        // A Windows id on a system whose zone database knows only IANA ids (and the other way round).
        if ((TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out string? iana) && TimeZoneInfo.TryFindSystemTimeZoneById(iana, out zone))
            || (TimeZoneInfo.TryConvertIanaIdToWindowsId(id, out string? windows) && TimeZoneInfo.TryFindSystemTimeZoneById(windows, out zone)))
        {
            return true;
        }

        problem = $"the time zone \"{id}\" is not known on this machine; give an IANA id such as \"Europe/Berlin\", a Windows id such as \"W. Europe Standard Time\", or \"UTC\"";
        return false;
    }
}
