namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.PromoteDueJobsAsync"/> moves from Scheduled to Enqueued.</summary>
public sealed record PromoteRequest
{
    /// <summary>The engine's clock: Scheduled jobs whose run time is not after it are due.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The most jobs to promote in this call.</summary>
    public required int Limit { get; init; }
}
