namespace JobQueue;

/// <summary>
/// Manages recurring (cron) jobs at run time: add, change, remove, pause, resume, run now and list. Registered by
/// AddJobQueue; inject it anywhere. Schedules declared in code with <c>AddRecurringJob</c> are listed and managed here too.
/// </summary>
/// <remarks>
/// Every worker host runs the scheduler; each occurrence is enqueued once, as a normal job whose run time is the
/// occurrence time, however many hosts run. Changes made here reach this process's scheduler at once and other hosts at
/// their next look at the store (within <see cref="JobQueueOptions.PollInterval"/>).
/// </remarks>
public interface IRecurringJobs
{
    /// <summary>
    /// Adds a recurring job, or replaces the definition of the one with this id. A new or changed cron expression or time
    /// zone starts the schedule at its next occurrence after now; a change of arguments or options alone keeps the
    /// schedule's next occurrence. A paused job stays paused.
    /// </summary>
    /// <remarks>
    /// A schedule changed here is managed at run time from then on: hosts no longer keep it as declared, until a host
    /// that declares the same id in code starts and writes its code definition back.
    /// </remarks>
    /// <param name="id">The schedule's id: unique, at most 200 characters, not blank.</param>
    /// <param name="cron">Five fields (minute hour day month weekday), or six with seconds first, as Cronos reads them.</param>
    /// <param name="args">The arguments of every occurrence.</param>
    /// <param name="options">Time zone, queue, priority, misfire and overlap policies; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <typeparam name="TArgs">The job's arguments type; its handler may be registered in another process.</typeparam>
    /// <exception cref="ArgumentException">The id, the cron expression, the time zone or an option is invalid; the message names it.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="args"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TArgs"/> has no handler here, and its job name is another registered arguments type's.</exception>
    ValueTask AddOrUpdateAsync<TArgs>(string id, string cron, TArgs args, RecurringJobOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a recurring job; its jobs already enqueued are left alone. Returns false when no such job exists.</summary>
    /// <remarks>A schedule still declared in code comes back when a host that declares it starts.</remarks>
    ValueTask<bool> RemoveAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enqueues one run now, outside the schedule: the schedule's next occurrence does not move, and the overlap policy
    /// does not apply. The run becomes the schedule's last job.
    /// </summary>
    /// <returns>The id of the job enqueued.</returns>
    /// <exception cref="InvalidOperationException">No recurring job has this id, or its job name has no handler registered here.</exception>
    ValueTask<JobId> TriggerAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pauses a recurring job: no occurrence is enqueued until it is resumed. Returns false when no such job exists.
    /// </summary>
    ValueTask<bool> PauseAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes a paused recurring job at its next occurrence after now. Occurrences that fell while it was paused are not
    /// run (a pause is a decision, not an outage, so the misfire policy does not apply to them); call
    /// <see cref="TriggerAsync"/> for one run now. Returns false when no such job exists; true, changing nothing, for one
    /// that is not paused.
    /// </summary>
    ValueTask<bool> ResumeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists every recurring job in the store, ordered by id.</summary>
    ValueTask<IReadOnlyList<RecurringJobInfo>> ListAsync(CancellationToken cancellationToken = default);
}
