namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.PruneAsync"/> deletes.</summary>
/// <param name="FinishedBefore">Finished jobs and batches whose finish time is before this are deleted.</param>
/// <param name="Limit">The most jobs to delete in this call.</param>
public readonly record struct PruneRequest(DateTimeOffset FinishedBefore, int Limit);
