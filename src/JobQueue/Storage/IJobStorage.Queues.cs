namespace JobQueue.Storage;

/// <summary>Paused queues: the stored switch that stops every host from leasing a queue's jobs.</summary>
public partial interface IJobStorage
{
    /// <summary>
    /// Pauses a queue: stores it as paused at <see cref="PauseQueueRequest.Now"/>, unless it is paused already (then the
    /// first pause time stays). A queue that has no job and no host yet can be paused.
    /// </summary>
    /// <remarks>
    /// <para>The pause is part of <see cref="FetchAsync"/>'s atomic step: once this call returns, no fetch of the queue
    /// leases a job until <see cref="ResumeQueueAsync"/>, not even a fetch that was already under way. Every fetch is
    /// ordered wholly before the pause (its jobs are leased, and run to their end) or wholly after it (it leases nothing).</para>
    /// <para>Nothing else changes: jobs are still enqueued, promoted, rescued (to Enqueued), completed and cancelled.</para>
    /// </remarks>
    /// <returns>True when the queue was not paused before this call.</returns>
    ValueTask<bool> PauseQueueAsync(PauseQueueRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Resumes a paused queue: fetches lease its jobs again, and waiters of <see cref="WaitForWorkAsync"/> on it are woken
    /// (when the store has the signal) so that idle workers start at once.
    /// </summary>
    /// <returns>True when the queue was paused before this call.</returns>
    ValueTask<bool> ResumeQueueAsync(ResumeQueueRequest request, CancellationToken cancellationToken);

    /// <summary>Lists the paused queues, by queue name (ordinal order).</summary>
    ValueTask<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(CancellationToken cancellationToken);
}
