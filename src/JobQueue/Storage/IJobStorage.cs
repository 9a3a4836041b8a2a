namespace JobQueue.Storage;

/// <summary>
/// The storage contract the engine drives. Providers implement only this; the engine owns every policy
/// (retry times, timeouts, give-up) and passes <c>now</c> in, so a store never reads the clock to decide.
/// </summary>
/// <remarks>
/// <para>Methods are bulk-first: a single job is a list of one, and results come back per item, in order.</para>
/// <para>
/// Every mutating call that ends or extends an attempt names the lease token it was given by
/// <see cref="FetchAsync"/> and is applied only while the job is still <see cref="JobState.Running"/> under
/// that token: a run that was abandoned, timed out, cancelled or rescued can never overwrite the outcome of
/// a newer attempt. Such a refused write returns <c>false</c> for its item; it is not an error.
/// </para>
/// <para>Run times: a rescued job and a released batch callback become due at the call's now.</para>
/// <para>
/// Each item's state change is one atomic step in the store (a transaction in SQL, a Lua script in Redis, a
/// lock in memory), including the batch accounting and callback release that come with finishing a child.
/// Maintenance calls (<see cref="PromoteDueJobsAsync"/>, <see cref="RescueExpiredLeasesAsync"/>,
/// <see cref="PruneAsync"/>) are bounded and safe when every host runs them at the same time.
/// </para>
/// <para>
/// Damaged stored data (an edit by hand, a broken tool) is one job's problem, never a call's: a job is read field by
/// field and returned with <see cref="StoredJob.Unreadable"/> saying what did not read, and every member, writes and
/// maintenance included, works on such a job as on any other (see <see cref="StoredJob.Unreadable"/>).
/// </para>
/// <para>The conformance suite in tests/JobQueue.Storage.Tests states these rules as tests; a provider passes it.</para>
/// </remarks>
public partial interface IJobStorage
{
    /// <summary>What this store can do beyond the required members; the engine adapts to it.</summary>
    StorageCapabilities Capabilities { get; }

    /// <summary>
    /// Writes new jobs, and the batch in <see cref="EnqueueRequest.Batch"/> if any, in one atomic step: all or nothing.
    /// </summary>
    /// <remarks>
    /// <para>A job whose <see cref="NewJob.RunAt"/> is after <see cref="EnqueueRequest.Now"/> is stored
    /// <see cref="JobState.Scheduled"/>, otherwise <see cref="JobState.Enqueued"/>; batch callbacks are stored
    /// <see cref="JobState.Awaiting"/>.</para>
    /// <para>Idempotency: a job whose <see cref="NewJob.IdempotencyKey"/> is held by a live job (one that exists
    /// and is neither Failed nor Cancelled) is not written; its result carries the holder's id and
    /// <see cref="EnqueueResult.Created"/> false. Two jobs of one request with the same key: the first wins.</para>
    /// <para>Batch membership: every job whose <see cref="NewJob.BatchId"/> is set, other than a batch's callbacks,
    /// is a child of that batch and adds one to its total and pending counts, in the same step. The batch must
    /// be created by this request or exist and not be finished (a running child adding children to its own
    /// batch); otherwise the call throws <see cref="InvalidOperationException"/> and writes nothing. A batch's
    /// callbacks belong to it (their <see cref="StoredJob.BatchId"/> is the batch) but add nothing to its counts.
    /// A new batch without a child that was written (none, or all held by idempotency keys) succeeds at once.</para>
    /// <para>A job id or batch id that exists already throws <see cref="InvalidOperationException"/>; nothing is written.</para>
    /// <para>Jobs that become Enqueued wake waiters of their queue (<see cref="WaitForWorkAsync"/>).</para>
    /// </remarks>
    ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Writes one job that needs nothing of a request's extras, with the semantics of <see cref="EnqueueAsync"/>: the
    /// most common write of all, a lone caller's enqueue. The default builds a request of one; a store whose request
    /// envelope costs more than the write itself (the in-memory one) overrides it.
    /// </summary>
    async ValueTask<EnqueueResult> EnqueueOneAsync(NewJob job, DateTimeOffset now, CancellationToken cancellationToken)
        => (await EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = now }, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Leases up to <see cref="FetchRequest.Limit"/> Enqueued jobs of one queue, in order: higher priority
    /// first, then earlier run time, then enqueue order. Each leased job becomes Running with its attempt
    /// increased by one, <see cref="StoredJob.StartedAt"/> set to now, and the request's lease token and expiry.
    /// </summary>
    /// <remarks>
    /// <para>Atomic per job: no job is ever leased to two fetches at once. Returns the leased jobs, possibly none.</para>
    /// <para>A leased job that does not fully read is returned with <see cref="StoredJob.Unreadable"/> set, and with
    /// its id and the request's lease token, so that the engine can fail it; the other jobs come back as they are.
    /// A leased job whose id does not read is not returned: the store fails it for good itself, under the request's
    /// lease, with an error of type <see cref="UnreadableJobException"/> (nothing could name it later).</para>
    /// </remarks>
    ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken);

    /// <summary>Moves the lease expiry of running jobs; per item, false when the lease is no longer held (cancelled or rescued).</summary>
    ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken);

    /// <summary>
    /// Marks leased jobs Succeeded with their results. For a batch child, in the same atomic step: counts the
    /// success, and when it was the batch's last pending child and no child failed, marks the batch Succeeded,
    /// releases its success callback (Awaiting to Enqueued, due now) and cancels its failure callback.
    /// </summary>
    /// <remarks>Counts each success in the throughput of its queue and minute, in the same step (see <see cref="GetThroughputAsync"/>).</remarks>
    /// <returns>Per item, false when the lease is no longer held: nothing was written for it.</returns>
    ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed attempt's error on leased jobs (errors accumulate, one per failed attempt). With a
    /// <see cref="JobFailure.RetryAt"/> the job is due again then (Scheduled, or Enqueued if not after now;
    /// its run time becomes RetryAt either way);
    /// without one it is Failed for good, and for a batch child, in the same atomic step: counts the failure,
    /// and on the batch's first failure marks the batch Failed, releases its failure callback and cancels its
    /// success callback.
    /// </summary>
    /// <remarks>Applies to a job whose record does not fully read, as to any other: the engine fails such a job for
    /// good this way. An error list that does not read is started anew rather than failing the call. Each item counts
    /// as a failed attempt in the throughput of its queue and minute, in the same step (see <see cref="GetThroughputAsync"/>).</remarks>
    /// <returns>Per item, false when the lease is no longer held: nothing was written for it.</returns>
    ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken);

    /// <summary>
    /// Gives leased jobs back without spending their attempt (the attempt count goes back down by one) and
    /// makes them due at <see cref="JobReschedule.RunAt"/>: a snooze, or a lease handed back at shutdown.
    /// <see cref="StoredJob.StartedAt"/> keeps the given-back attempt's start.
    /// </summary>
    /// <returns>Per item, false when the lease is no longer held: nothing was written for it.</returns>
    ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken);

    /// <summary>Stores progress reported by running jobs; per item, false when the lease is no longer held.</summary>
    ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken);

    /// <summary>
    /// Returns jobs whose lease expired (their worker died or lost the store) to work: up to
    /// <see cref="RescueRequest.Limit"/> Running jobs whose lease expiry is not after now get the request's
    /// error recorded for their attempt, then become Enqueued (due now) when attempts remain, or Failed for
    /// good (with the batch accounting of <see cref="FailAsync"/>) when none remain. Atomic per job, and each rescued
    /// job counts as a failed attempt in the throughput of its queue and minute (see <see cref="GetThroughputAsync"/>).
    /// </summary>
    /// <returns>The ids of the rescued jobs.</returns>
    ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Moves up to <see cref="PromoteRequest.Limit"/> Scheduled jobs that are due (run time not after
    /// <see cref="PromoteRequest.Now"/>) to Enqueued, keeping their run time, and wakes their queues.
    /// </summary>
    /// <returns>How many jobs were promoted.</returns>
    ValueTask<int> PromoteDueJobsAsync(PromoteRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels jobs that have not finished: each becomes Cancelled with its lease cleared, so a running
    /// attempt's later writes are refused. A cancelled batch child counts as a failure of its batch, with the
    /// batch accounting of <see cref="FailAsync"/>. Atomic per job.
    /// </summary>
    /// <returns>Per id of <see cref="CancelRequest.Ids"/>, in order, what happened to it.</returns>
    ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(CancelRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Reads jobs by id; per item, null when the job does not exist. A job that does not fully read is returned with
    /// <see cref="StoredJob.Unreadable"/> set, never thrown over.
    /// </summary>
    ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Lists one page of the jobs that match a query, newest enqueued first (by enqueue order), with the number of
    /// matches counted up to <see cref="JobQuery.CountLimit"/>; see <see cref="JobQuery"/> for paging and the indexes
    /// that serve it. A job that does not fully read is listed with <see cref="StoredJob.Unreadable"/> set (with a
    /// default id if even its id does not read), never thrown over.
    /// </summary>
    /// <remarks>
    /// A page holds fewer than <see cref="JobQuery.Limit"/> jobs only when no further job matches, and then its
    /// <see cref="StoredJobPage.Next"/> is null. Each filter is served by an index; a filter on a state that has not
    /// finished (Scheduled, Enqueued, Running, Awaiting), and a filter on a name or queue alone, also read every job in
    /// those states, whose number is the backlog rather than the history.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A limit is negative.</exception>
    /// <exception cref="ArgumentException"><see cref="JobQuery.After"/> is not a position this store made.</exception>
    ValueTask<StoredJobPage> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken);

    /// <summary>Reads a batch; null when it does not exist.</summary>
    ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken);

    /// <summary>Counts jobs per state for every queue that has any job; a job whose state is none counts where the store keeps it, never failing the call.</summary>
    ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// For every queue with ready (Enqueued) jobs: their count and the earliest run time among them. Unlike
    /// <see cref="GetQueueStatisticsAsync"/>, it reads only ready jobs (the fetch index of a SQL store, the ready sets of
    /// Redis), so its cost grows with the backlog, not with the retained history; health checks call it often.
    /// </summary>
    ValueTask<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <see cref="PruneRequest.Limit"/> finished jobs (Succeeded, Failed, Cancelled) whose
    /// finish time is before <see cref="PruneRequest.FinishedBefore"/>, and batches finished before it.
    /// Bounded so that no call holds locks for long.
    /// </summary>
    /// <returns>How many jobs were deleted.</returns>
    ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when work may have arrived in <paramref name="queue"/>; spurious wake-ups are allowed. Called
    /// only when <see cref="StorageCapabilities.WakeUpSignal"/> is true; the engine still polls as a fallback.
    /// Work that arrives after a first wait on the queue began must not be missed even if nobody waits at that
    /// moment: the next wait completes at once. (A store whose signal cannot be kept while nobody listens, such as
    /// pub/sub, checks for ready work on the first wait after it (re)subscribes.)
    /// </summary>
    ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when the job is in a final state, or may be: it completes at once if the job is already
    /// finished or does not exist, and must not miss a finish that happens after the call starts. Called only
    /// when <see cref="StorageCapabilities.FinishSignal"/> is true; otherwise the engine polls.
    /// </summary>
    ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken);
}
