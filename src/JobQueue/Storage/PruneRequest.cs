namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.PruneAsync"/> deletes.</summary>
public sealed record PruneRequest
{
    /// <summary>Finished jobs and batches whose finish time is before this are deleted.</summary>
    public required DateTimeOffset FinishedBefore { get; init; }

    /// <summary>The most jobs to delete in this call.</summary>
    public required int Limit { get; init; }
}
