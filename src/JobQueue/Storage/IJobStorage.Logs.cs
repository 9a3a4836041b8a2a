namespace JobQueue.Storage;

/// <summary>Job logs: the lines a job's handler logged, kept with the job per attempt.</summary>
public partial interface IJobStorage
{
    /// <summary>
    /// Stores the log of job attempts: per item, the text replaces whatever was stored for that job and attempt. An item
    /// whose job does not exist (never enqueued, or deleted or pruned) is skipped. All items are one store operation.
    /// </summary>
    /// <remarks>
    /// The text is stored as it is and never interpreted: it is user data. The bounds (lines per attempt, length of a
    /// line) are the engine's; a store keeps what it is given. A job's logs are deleted with the job, by
    /// <see cref="PruneAsync"/> and by <see cref="DeleteAsync"/>, in the same step.
    /// </remarks>
    ValueTask SaveJobLogsAsync(IReadOnlyList<JobLogWrite> logs, CancellationToken cancellationToken);

    /// <summary>Reads a job's stored logs, by attempt, oldest first; empty when the job has none or does not exist.</summary>
    ValueTask<IReadOnlyList<StoredJobLog>> GetJobLogsAsync(JobId id, CancellationToken cancellationToken);
}
