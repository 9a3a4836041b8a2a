using JobQueue.Recurring;

namespace JobQueue;

// Recurring (cron) jobs declared in code.
public sealed partial class JobQueueBuilder
{
    private readonly List<RecurringDeclaration> _recurringJobs = [];

    internal IReadOnlyList<RecurringDeclaration> RecurringJobs => _recurringJobs;

    /// <summary>
    /// Declares a recurring job: <paramref name="args"/> is enqueued at every occurrence of <paramref name="cron"/>, once
    /// per occurrence however many hosts run, as a normal job whose run time is the occurrence time. Worker hosts write the
    /// declaration to the store when they start (creating the schedule, or updating it in place when its cron, time zone,
    /// arguments or options changed) and keep it declared while they run.
    /// </summary>
    /// <param name="id">The schedule's id: unique, at most 200 characters, not blank.</param>
    /// <param name="cron">
    /// Five fields (minute hour day-of-month month day-of-week), such as "0 2 * * *", or six with seconds first, such as
    /// "*/5 * * * * *"; read by Cronos in <see cref="RecurringJobOptions.TimeZone"/>.
    /// </param>
    /// <param name="args">The arguments of every occurrence; their type must be a registered job's arguments type.</param>
    /// <param name="configure">Sets the time zone, queue, priority, misfire and overlap policies.</param>
    /// <typeparam name="TArgs">The arguments type of a job registered with <see cref="AddJob{TJob}"/> (before or after this call).</typeparam>
    /// <exception cref="ArgumentException">
    /// The id is invalid or declared twice, the cron expression or the time zone does not parse, or an option is invalid;
    /// the message names the bad value. A <typeparamref name="TArgs"/> that no registered job takes fails AddJobQueue.
    /// </exception>
    public JobQueueBuilder AddRecurringJob<TArgs>(string id, string cron, TArgs args, Action<RecurringJobOptions>? configure = null)
    {
        string context = $"AddRecurringJob(\"{id}\")";
        RecurringIds.Validate(id, "AddRecurringJob");
        ArgumentNullException.ThrowIfNull(args);
        var options = new RecurringJobOptions();
        configure?.Invoke(options);
        RecurringOptionsValidator.Validate(options, context);
        CronSchedule schedule = CronSchedule.Parse(cron, options.TimeZone, context);
        if (_recurringJobs.Any(declared => string.Equals(declared.Id, id, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"{context}: the recurring job id \"{id}\" is declared twice; each schedule needs its own id.", nameof(id));
        }

        _recurringJobs.Add(new RecurringDeclaration(id, cron, typeof(TArgs), args, options, schedule));
        return this;
    }
}
