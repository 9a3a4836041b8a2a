namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.PruneRecurringJobsAsync"/> removes.</summary>
public sealed record RecurringPruneRequest
{
    /// <summary>Schedules declared in code whose last declaration is before this time are removed.</summary>
    public required DateTimeOffset DeclaredBefore { get; init; }

    /// <summary>The most schedules to remove in this call.</summary>
    public required int Limit { get; init; }
}
