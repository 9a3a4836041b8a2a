namespace JobQueue;

/// <summary>A recurring job as <see cref="IRecurringJobs.ListAsync"/> reads it.</summary>
public sealed class RecurringJobInfo
{
    /// <summary>The schedule's id.</summary>
    public required string Id { get; init; }

    /// <summary>The cron expression, as given.</summary>
    public required string Cron { get; init; }

    /// <summary>The time zone the expression is read in, as given (an IANA or Windows id).</summary>
    public required string TimeZone { get; init; }

    /// <summary>The stable name of the job every occurrence runs (see <see cref="JobNameAttribute"/>).</summary>
    public required string Name { get; init; }

    /// <summary>The queue the occurrences run in: the schedule's own, else the job type's (when registered in this process).</summary>
    public required string Queue { get; init; }

    /// <summary>The occurrences' priority: the schedule's own, else the job type's (0 when the job type is not registered here).</summary>
    public int Priority { get; init; }

    /// <summary>What happens to occurrences missed while no host could enqueue them.</summary>
    public MisfirePolicy Misfire { get; init; }

    /// <summary>With <see cref="MisfirePolicy.RunAll"/>, the most missed occurrences enqueued at once.</summary>
    public int MaxCatchUp { get; init; }

    /// <summary>Whether an occurrence is enqueued while the previous one's job has not finished.</summary>
    public OverlapPolicy Overlap { get; init; }

    /// <summary>True while paused: no occurrence is enqueued.</summary>
    public bool Paused { get; init; }

    /// <summary>The next occurrence a host will enqueue; null while paused.</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The next few occurrences from <see cref="NextRunAt"/> on (up to five); empty while paused or when the schedule cannot run.</summary>
    public IReadOnlyList<DateTimeOffset> UpcomingRuns { get; init; } = [];

    /// <summary>The run time of the last job enqueued for this schedule (an occurrence, or a run triggered by hand); null before the first.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The last job enqueued for this schedule; null before the first.</summary>
    public JobId? LastJobId { get; init; }

    /// <summary>The last occurrence that was not enqueued: skipped by the overlap policy, or missed and dropped by the misfire policy.</summary>
    public DateTimeOffset? LastSkippedAt { get; init; }

    /// <summary>True for a schedule declared in code with <c>AddRecurringJob</c>; false for one managed with <see cref="IRecurringJobs"/>.</summary>
    public bool DeclaredInCode { get; init; }

    /// <summary>
    /// For a schedule declared in code, whether a running host still declares it: one did within the last few minutes.
    /// A schedule no running host declares is removed by <see cref="IRecurringJobs.RemoveAsync"/>, or once it has been
    /// undeclared for <see cref="JobQueueOptions.UndeclaredRecurringJobRetention"/>. Always false for a schedule managed at run time.
    /// </summary>
    public bool DeclaredByRunningHost { get; init; }

    /// <summary>When a host last declared this schedule in code; null for a schedule managed at run time.</summary>
    public DateTimeOffset? LastDeclaredAt { get; init; }

    /// <summary>When the schedule was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the schedule's definition, or its paused state, last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Null when the schedule can run; otherwise why hosts cannot enqueue it (its cron expression or time zone does not
    /// parse here, its job has no handler registered here, or its stored arguments no longer fit the job's type). Hosts
    /// log the same and leave the schedule as it is, so a host that can run it, or a fix, picks it up.
    /// </summary>
    public string? Problem { get; init; }
}
