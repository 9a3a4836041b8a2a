namespace JobQueue.Dashboard.Endpoints;

/// <summary>
/// One bar of a throughput chart: the attempts of every queue that ended in a span of minutes. The last hour has one
/// bar a minute; the last 24 hours one per 10 minutes (144 bars), which a chart 1,440 bars wide could not show.
/// </summary>
internal sealed record ThroughputBar(DateTimeOffset Start, long Succeeded, long Failed)
{
    public static IReadOnlyList<ThroughputBar> Bucket(IReadOnlyList<ThroughputPoint> points, DateTimeOffset now, TimeSpan range, int bars)
    {
        var width = TimeSpan.FromTicks(range.Ticks / bars);
        DateTimeOffset currentMinute = new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        DateTimeOffset start = currentMinute.AddMinutes(1) - range;
        long[] succeeded = new long[bars];
        long[] failed = new long[bars];
        foreach (ThroughputPoint point in points)
        {
            if (point.Minute < start || point.Minute > currentMinute)
            {
                continue;
            }

            int index = (int)((point.Minute - start).Ticks / width.Ticks);
            succeeded[index] += point.Succeeded;
            failed[index] += point.Failed;
        }

        var result = new ThroughputBar[bars];
        for (int i = 0; i < bars; i++)
        {
            result[i] = new ThroughputBar(start + (width * i), succeeded[i], failed[i]);
        }

        return result;
    }
}
