namespace JobQueue.Storage;

/// <summary>Recurring (cron) jobs: the schedules and the atomic step that enqueues their occurrences.</summary>
/// <remarks>
/// <para>The store keeps each schedule's definition as data and never reads its cron expression or time zone: the engine
/// computes every occurrence and passes the times in. The one rule the store enforces is that each occurrence is enqueued
/// once however many hosts race: <see cref="ClaimRecurringOccurrencesAsync"/> moves a schedule's next run time and writes
/// the occurrences' jobs in one atomic step, conditional on the next run time (and version) the engine read, so the
/// schedule's next run time is the deterministic key of the occurrences: of several hosts holding the same key, only the
/// first claim applies, whatever their clocks say.</para>
/// <para>Ids are compared ordinally. A schedule's stored data (a cron that does not parse, a job name no host knows,
/// arguments that no longer fit) is the engine's problem, per schedule: the store writes and reads it as it is.</para>
/// </remarks>
public partial interface IJobStorage
{
    /// <summary>
    /// Creates or replaces recurring jobs' definitions, each in one atomic step. A new schedule is not paused, at version 1,
    /// due at its definition's <see cref="RecurringJobDefinition.NextRunAt"/>. An existing one whose stored definition
    /// (name, cron, time zone, arguments, queue, priority, policies) differs gets the new definition, its version increased
    /// and its update time set; its next run time becomes the definition's only when the cron or the time zone changed;
    /// its paused state, last run and last job are kept. A declared request sets each schedule's declaration time to now,
    /// any other clears it.
    /// </summary>
    /// <returns>Per definition, in order, what was done.</returns>
    ValueTask<IReadOnlyList<RecurringUpsertOutcome>> UpsertRecurringJobsAsync(RecurringUpsertRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes a recurring job; jobs it enqueued are left alone. Returns false when none has the id.</summary>
    ValueTask<bool> RemoveRecurringJobAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Pauses or resumes a recurring job. A change of state increases its version and sets its update time; a resume also
    /// sets its next run time to the request's. Asking for the state it has changes nothing.
    /// </summary>
    /// <returns>False when no schedule has the id.</returns>
    ValueTask<bool> SetRecurringJobPausedAsync(RecurringPauseRequest request, CancellationToken cancellationToken);

    /// <summary>Reads recurring jobs, ordered by id (ordinal): every one, or the one the query names (none when it does not exist).</summary>
    ValueTask<IReadOnlyList<StoredRecurringJob>> GetRecurringJobsAsync(RecurringJobQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Reads one page of due recurring jobs (not paused, next run time not after now), ordered by id, and the earliest next
    /// run time after now among the schedules not paused.
    /// </summary>
    ValueTask<RecurringDueJobs> GetDueRecurringJobsAsync(RecurringDueRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Applies claims, each in one atomic step of its own: while the schedule exists, is not paused, and still has the
    /// claim's <see cref="RecurringClaim.Version"/> and <see cref="RecurringClaim.NextRunAt"/>, its next run time becomes
    /// <see cref="RecurringClaim.NewNextRunAt"/> and its jobs are written as by <see cref="EnqueueAsync"/> (Scheduled or
    /// Enqueued by their run time, waking their queues); the last of them becomes the schedule's last job, and its run time
    /// the schedule's last run time. Otherwise nothing is written (<see cref="RecurringClaimOutcome.Conflict"/>).
    /// </summary>
    /// <remarks>
    /// <para>With <see cref="RecurringClaim.SkipIfLastJobUnfinished"/>, a schedule whose last job exists and is not finished
    /// (neither Succeeded, Failed nor Cancelled; a state that reads as none counts as finished) writes no job: it moves to the
    /// new next run time and records the latest of the claim's occurrences as skipped
    /// (<see cref="RecurringClaimOutcome.SkippedOverlap"/>). A claim's <see cref="RecurringClaim.SkippedAt"/>, when set,
    /// is recorded as the last skip otherwise.</para>
    /// <para>Of concurrent claims with the same version and next run time, exactly one applies.</para>
    /// </remarks>
    /// <returns>Per claim, in order, what happened.</returns>
    ValueTask<IReadOnlyList<RecurringClaimOutcome>> ClaimRecurringOccurrencesAsync(RecurringClaimRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Writes one job for a recurring job outside its occurrences, in one atomic step: while the schedule exists, the job
    /// is written as by <see cref="EnqueueAsync"/> and becomes the schedule's last job (its run time the last run time);
    /// the next run time, version and paused state do not change.
    /// </summary>
    /// <returns>False when no schedule has the id: nothing was written.</returns>
    ValueTask<bool> TriggerRecurringJobAsync(RecurringTriggerRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Renews a running host's declarations: each named schedule that exists and is declared in code (its declaration time
    /// is set) gets the request's now as its declaration time. A schedule managed at run time is left alone.
    /// </summary>
    /// <returns>Per id, in order, whether it was renewed.</returns>
    ValueTask<IReadOnlyList<bool>> DeclareRecurringJobsAsync(RecurringDeclareRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <see cref="RecurringPruneRequest.Limit"/> schedules declared in code whose declaration time is before
    /// <see cref="RecurringPruneRequest.DeclaredBefore"/>: no running host has declared them since. Schedules managed at run
    /// time are never pruned. Safe when every host runs it at once.
    /// </summary>
    /// <returns>The ids of the schedules deleted.</returns>
    ValueTask<IReadOnlyList<string>> PruneRecurringJobsAsync(RecurringPruneRequest request, CancellationToken cancellationToken);
}
