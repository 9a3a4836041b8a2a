namespace JobQueue.Storage;

// Job administration: retry and delete of finished jobs, and the per-minute throughput counts. Listing jobs is
// QueryJobsAsync in IJobStorage.cs.
public partial interface IJobStorage
{
    /// <summary>
    /// Enqueues finished jobs again: each Failed or Cancelled job becomes Enqueued, due at <see cref="RetryRequest.Now"/>,
    /// with its finish time cleared and its enqueue position, attempts and errors kept. Atomic per job, and conditional
    /// on its state: a job in any other state is refused with the reason, and nothing changes for it.
    /// </summary>
    /// <remarks>
    /// <para>Attempts: the job keeps its attempt count and its errors, and its maximum attempts becomes at least one
    /// more than its attempts so far (a job that had attempts left keeps its budget; one that had used them all gets
    /// one more attempt), as Oban's and Sidekiq's retries do.</para>
    /// <para>Batches: a batch child is refused while its batch has a failure callback
    /// (<see cref="RetryOutcome.BatchFailureCallbackReleased"/>). A child of a batch without one counts as pending
    /// again (the batch's failed count goes down by one and its finish time is cleared, in the same step), while the
    /// batch stays Failed: its outcome was decided at its first failure. A child whose batch was pruned is retried as
    /// a plain job. A cancelled success or failure callback is refused (<see cref="RetryOutcome.CancelledBatchCallback"/>);
    /// one that ran and failed is retried.</para>
    /// <para>Idempotency: a job with a key takes it back, and is refused while another live job holds it
    /// (<see cref="RetryOutcome.IdempotencyKeyInUse"/>). A job whose state does not read is refused
    /// (<see cref="RetryOutcome.UnreadableState"/>). Retried jobs wake waiters of their queue.</para>
    /// </remarks>
    /// <returns>Per id of <see cref="RetryRequest.Ids"/>, in order, what happened to it.</returns>
    ValueTask<IReadOnlyList<RetryOutcome>> RetryAsync(RetryRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes finished jobs (Succeeded, Failed, Cancelled, or a state that does not read) with their errors, index
    /// entries and the idempotency key they hold, as pruning does; a job that has not finished is refused and nothing
    /// changes for it. A deleted batch child stays counted in its batch. Atomic per job.
    /// </summary>
    /// <returns>Per id of <see cref="DeleteRequest.Ids"/>, in order, what happened to it.</returns>
    ValueTask<IReadOnlyList<DeleteOutcome>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the throughput counts of every queue for the minutes that start at or after <see cref="ThroughputQuery.Since"/>,
    /// ordered by minute, then queue. A (minute, queue) in which no attempt ended is absent.
    /// </summary>
    /// <remarks>
    /// The counts are written by <see cref="CompleteAsync"/>, <see cref="FailAsync"/> and
    /// <see cref="RescueExpiredLeasesAsync"/> in the same atomic step as the attempt's outcome, into the minute of the
    /// call's now (whole minutes since the Unix epoch, UTC), so they cost one counter update per queue and minute of a
    /// call rather than a row per job. They stay until <see cref="PruneThroughputAsync"/> removes them.
    /// </remarks>
    ValueTask<IReadOnlyList<ThroughputBucket>> GetThroughputAsync(ThroughputQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <see cref="ThroughputPruneRequest.Limit"/> stored throughput counts of minutes that start before
    /// <see cref="ThroughputPruneRequest.Before"/>. Bounded, and safe when every host runs it at the same time.
    /// </summary>
    /// <returns>
    /// How many stored counts were deleted: one per (minute, queue), or more where a store keeps a (minute, queue) in
    /// several parts to spare concurrent writers a shared lock. Fewer than the limit when none is left.
    /// </returns>
    ValueTask<int> PruneThroughputAsync(ThroughputPruneRequest request, CancellationToken cancellationToken);
}
