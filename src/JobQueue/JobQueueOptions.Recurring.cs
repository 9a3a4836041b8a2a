namespace JobQueue;

// The settings of recurring (cron) jobs.
public sealed partial class JobQueueOptions
{
    /// <summary>
    /// How late a recurring job's occurrence may be and still be on time. A host enqueues every on-time occurrence; an
    /// occurrence older than this when a host first looks at it was missed (every host was down, or the store was
    /// unreachable) and follows its schedule's <see cref="MisfirePolicy"/>. Clock differences between hosts do not count
    /// against it: a host that is ahead claims occurrences early, one that is behind finds them claimed.
    /// </summary>
    /// <value>Defaults to 1 minute. Positive, at most 36,500 days.</value>
    public TimeSpan RecurringMisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a recurring job declared in code (<c>AddRecurringJob</c>) is kept once no running host declares it any
    /// more (its declaration was removed from the code, or every host that had it stopped). Meanwhile it is listed as
    /// undeclared, hosts log a warning about it, and it still runs. Null keeps it until <see cref="IRecurringJobs.RemoveAsync"/>.
    /// Schedules added with <see cref="IRecurringJobs.AddOrUpdateAsync{TArgs}"/> are never removed this way.
    /// </summary>
    /// <value>Defaults to 7 days. From 10 minutes to 36,500 days, or null.</value>
    public TimeSpan? UndeclaredRecurringJobRetention { get; set; } = TimeSpan.FromDays(7);
}
