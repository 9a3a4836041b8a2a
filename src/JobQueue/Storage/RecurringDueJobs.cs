namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.GetDueRecurringJobsAsync"/> returns.</summary>
public sealed record RecurringDueJobs
{
    /// <summary>Due schedules, ordered by id (ordinal), at most the request's limit.</summary>
    public required IReadOnlyList<StoredRecurringJob> Jobs { get; init; }

    /// <summary>The earliest next run time after now among schedules not paused; null when there is none. The scheduler sleeps until then.</summary>
    public DateTimeOffset? NextDueAt { get; init; }
}
