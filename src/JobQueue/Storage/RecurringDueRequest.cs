namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.GetDueRecurringJobsAsync"/> reads: one page of due schedules.</summary>
public sealed record RecurringDueRequest
{
    /// <summary>The engine's clock: schedules not paused whose next run time is not after it are due.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The most schedules to return.</summary>
    public required int Limit { get; init; }

    /// <summary>Only schedules whose id sorts after this one (ordinal order); null from the first. Pages through the due schedules.</summary>
    public string? AfterId { get; init; }
}
