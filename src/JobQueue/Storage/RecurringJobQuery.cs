namespace JobQueue.Storage;

/// <summary>Which recurring jobs <see cref="IJobStorage.GetRecurringJobsAsync"/> reads.</summary>
public sealed record RecurringJobQuery
{
    /// <summary>One schedule's id; null reads every schedule.</summary>
    public string? Id { get; init; }
}
