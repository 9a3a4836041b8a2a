namespace JobQueue.Recurring;

/// <summary>
/// Decides which occurrences of a due schedule to enqueue, from its stored next run time, the clock and its policies.
/// Pure: the scheduler and the tests call it with any clock.
/// </summary>
/// <remarks>
/// An occurrence is on time while it is at most the misfire threshold old: each is enqueued. Older occurrences were
/// missed (no host could enqueue them) and follow the misfire policy. Because a host that is ahead of the others only
/// ever claims occurrences early (as Scheduled jobs due at their occurrence time) and one that is behind finds them
/// claimed, a skewed clock never turns an occurrence into a missed one: only an outage longer than the threshold does.
/// </remarks>
internal static class OccurrencePlanner
{
    /// <summary>The most occurrences one claim enqueues; the rest follow in the next pass.</summary>
    public const int MaxOccurrencesPerClaim = 1000;

    /// <summary>How far missed occurrences are counted, for the logs: a schedule every second down for a year is not walked.</summary>
    public const int MissedCountCap = 100_000;

    public static OccurrencePlan Plan(CronSchedule schedule, DateTimeOffset nextRunAt, DateTimeOffset now, TimeSpan misfireThreshold,
        MisfirePolicy misfire, int maxCatchUp, OverlapPolicy overlap)
    {
        var occurrences = new List<DateTimeOffset>();
        DateTimeOffset cutoff = now - misfireThreshold;
        DateTimeOffset onTimeFrom = nextRunAt;
        int missed = 0;
        int dropped = 0;
        DateTimeOffset? droppedAt = null;
        DateTimeOffset? missedSince = null;

        if (nextRunAt < cutoff)
        {
            int take = misfire switch
            {
                MisfirePolicy.Skip => 0,
                MisfirePolicy.RunAll => Math.Clamp(maxCatchUp, 1, RecurringJobOptions.MaxCatchUpLimit),
                _ => 1,
            };

            // The latest missed occurrences are the ones worth running; older ones are dropped.
            var latest = new List<DateTimeOffset>(Math.Min(take, 16));
            foreach (DateTimeOffset occurrence in schedule.LatestFirst(nextRunAt, cutoff))
            {
                if (latest.Count == take)
                {
                    droppedAt = occurrence;
                    break;
                }

                latest.Add(occurrence);
            }

            missed = CountMissed(schedule, nextRunAt, cutoff, out missedSince);
            dropped = Math.Max(0, missed - latest.Count);
            if (dropped == 0)
            {
                droppedAt = null;
            }

            latest.Reverse();
            occurrences.AddRange(latest);
            onTimeFrom = cutoff;
        }

        // The stored next run time is an occurrence as Cronos computed it, and is taken as it is: recomputing it (inclusive)
        // would lose an occurrence Cronos moved out of a skipped hour in spring, which is not a match of the expression.
        DateTimeOffset next = onTimeFrom == nextRunAt ? nextRunAt : schedule.Next(onTimeFrom, inclusive: true);
        while (next <= now && occurrences.Count < MaxOccurrencesPerClaim)
        {
            occurrences.Add(next);
            next = schedule.Next(next);
        }

        if (overlap == OverlapPolicy.Skip && occurrences.Count > 1)
        {
            // Each would overlap the one before it: only the latest runs.
            dropped += occurrences.Count - 1;
            droppedAt = occurrences[^2];
            occurrences.RemoveRange(0, occurrences.Count - 1);
        }

        return new OccurrencePlan(occurrences, next, missed, dropped, droppedAt, missedSince);
    }

    private static int CountMissed(CronSchedule schedule, DateTimeOffset from, DateTimeOffset cutoff, out DateTimeOffset? first)
    {
        first = null;
        int count = 0;
        DateTimeOffset occurrence = from;
        while (occurrence < cutoff && count < MissedCountCap)
        {
            first ??= occurrence;
            count++;
            occurrence = schedule.Next(occurrence);
        }

        return count;
    }
}
