namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.TriggerRecurringJobAsync"/> writes: one run of a schedule outside its occurrences.</summary>
public sealed record RecurringTriggerRequest
{
    /// <summary>The schedule's id.</summary>
    public required string Id { get; init; }

    /// <summary>The job to write (a plain job), which becomes the schedule's last job.</summary>
    public required NewJob Job { get; init; }

    /// <summary>The engine's clock: the job's enqueue time.</summary>
    public required DateTimeOffset Now { get; init; }
}
