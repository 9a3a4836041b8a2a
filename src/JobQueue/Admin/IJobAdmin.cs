namespace JobQueue;

/// <summary>
/// Operates queues, hosts and stored jobs: what an operator (or the dashboard) does. Registered by AddJobQueue;
/// inject it where such operations are offered, and guard that code as an administrative surface.
/// </summary>
public interface IJobAdmin
{
    // ------------------------------------------------------------------ queues and hosts

    /// <summary>
    /// Pauses a queue on every host: from the moment this returns, no job of the queue starts anywhere until
    /// <see cref="ResumeQueueAsync"/>. Jobs that had started run to their end; jobs are still enqueued and kept.
    /// </summary>
    /// <remarks>
    /// The pause is stored, so it holds across restarts and for hosts that start later, and a queue that no host serves
    /// yet can be paused. The store itself refuses to lease a paused queue's jobs, so there is no window in which a
    /// host that has not heard of the pause yet starts one; hosts see it within their poll interval
    /// (<see cref="JobQueueOptions.PollInterval"/>, 1 second by default), log it and stop asking for the queue's jobs.
    /// Pausing a paused queue changes nothing (it keeps its first pause time).
    /// </remarks>
    /// <param name="queue">The queue's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <exception cref="ArgumentException"><paramref name="queue"/> is null, empty or white space.</exception>
    ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes a paused queue: hosts start its jobs again, at once where the store has a wake-up signal and otherwise
    /// within their poll interval. Resuming a queue that is not paused changes nothing.
    /// </summary>
    /// <param name="queue">The queue's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <exception cref="ArgumentException"><paramref name="queue"/> is null, empty or white space.</exception>
    ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists every queue that has jobs, is paused, or is served by a live host, by name (ordinal order): its jobs by
    /// state, whether it is paused, its latency (how long its oldest ready job has waited) and the hosts serving it.
    /// </summary>
    /// <remarks>Counts every retained job of every queue: meant for dashboards and operators, not for a tight loop.</remarks>
    /// <param name="cancellationToken">Cancels the reads.</param>
    ValueTask<IReadOnlyList<QueueInfo>> GetQueuesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the worker hosts from their heartbeats, alive ones first, then by machine name and start time. A host that
    /// missed three heartbeats is listed as <see cref="HostStatus.Gone"/>, and an hour later no more; a host that stops
    /// gracefully removes itself at once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<IReadOnlyList<HostInfo>> GetHostsAsync(CancellationToken cancellationToken = default);

    // ------------------------------------------------------------------ jobs

    /// <summary>
    /// Lists one page of the jobs that match <paramref name="filter"/>, newest enqueued first, with how many match in
    /// all (counted up to <see cref="JobPage.TotalCountLimit"/>). Pass the page's <see cref="JobPage.Continuation"/> back
    /// in the filter for the next, older page.
    /// </summary>
    /// <remarks>
    /// <para>Paging follows each job's enqueue position, which never changes: jobs enqueued while a caller pages do not
    /// shift later pages, and no job is listed twice. A job that changes state between two pages may be missing from,
    /// or appear on, a later page, as it leaves or enters the filter. A deep page costs what the first one costs.</para>
    /// <para>Each filter is served by an index of the store (see docs/administration.md for the costs): a finished
    /// state (Succeeded, Failed, Cancelled), a name, a queue and a batch read only the page; a state that has not
    /// finished reads the jobs in that state, and a name or queue without a state also reads the unfinished jobs, so
    /// their cost grows with the backlog, not the history. <see cref="JobFilter.Text"/> is checked job by job in the
    /// range the other filters select. Values are returned as stored, not encoded for any output.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <see cref="JobFilter.PageSize"/> is outside 1 to <see cref="JobFilter.MaxPageSize"/>, <see cref="JobFilter.Text"/>
    /// is longer than <see cref="JobFilter.MaxTextLength"/>, a name or queue is empty, or the continuation was not made
    /// by this store.
    /// </exception>
    ValueTask<JobPage> QueryJobsAsync(JobFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enqueues a Failed or Cancelled job again, due now. It keeps its attempts and its errors, and its maximum attempts
    /// grows to one more than the attempts it made if it had none left (a cancelled job with attempts left keeps its
    /// budget), so that a job retried by hand gets exactly one more try when it had used them all, as in Sidekiq and
    /// Oban. Returns false when no such job exists.
    /// </summary>
    /// <remarks>
    /// A child of a batch that has no failure callback counts as pending in its batch again; the batch stays Failed.
    /// The retry is one atomic, state-checked step in the store, safe while workers run.
    /// </remarks>
    /// <exception cref="JobOperationRefusedException">
    /// The job exists but cannot be retried: it has not finished, it succeeded, it is a child of a batch whose failure
    /// callback was released, it is a cancelled batch callback, another live job holds its idempotency key, or its
    /// stored state does not read. <see cref="JobOperationRefusedException.Reason"/> says which; nothing changed.
    /// </exception>
    ValueTask<bool> RetryAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a finished job (Succeeded, Failed or Cancelled) with its errors and result, as retention pruning does;
    /// a deleted batch child stays counted in its batch. Returns false when no such job exists.
    /// </summary>
    /// <exception cref="JobOperationRefusedException">
    /// The job has not finished (<see cref="JobRefusalReason.NotFinished"/>): cancel it first. Nothing changed.
    /// </exception>
    ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retries up to <paramref name="maxJobs"/> of the Failed and Cancelled jobs that match <paramref name="filter"/>,
    /// newest first, each as <see cref="RetryAsync(JobId, CancellationToken)"/> does, and returns how many were retried.
    /// A job that is refused is skipped (not counted); jobs enqueued after the call started are not touched.
    /// </summary>
    /// <remarks>
    /// Works in steps of 100 jobs (a page read and one store call each), never in one long transaction or script, so
    /// it is safe while workers run; it is not atomic as a whole, and a job that changes meanwhile is judged by its
    /// state at its own step. A filter without a state takes both Failed and Cancelled jobs.
    /// <see cref="JobFilter.PageSize"/> and <see cref="JobFilter.Continuation"/> are ignored.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxJobs"/> is negative.</exception>
    /// <exception cref="ArgumentException">The filter's state is neither Failed nor Cancelled, or another filter is invalid.</exception>
    ValueTask<int> RetryManyAsync(JobFilter filter, int maxJobs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes up to <paramref name="maxJobs"/> of the finished jobs that match <paramref name="filter"/>, newest first,
    /// as <see cref="DeleteAsync(JobId, CancellationToken)"/> does, and returns how many were deleted. A filter without a
    /// state takes Succeeded, Failed and Cancelled jobs; unfinished jobs are never touched.
    /// </summary>
    /// <remarks>
    /// Works in steps of 100 jobs, as <see cref="RetryManyAsync"/> does: safe while workers run, not atomic as a whole.
    /// <see cref="JobFilter.PageSize"/> and <see cref="JobFilter.Continuation"/> are ignored.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxJobs"/> is negative.</exception>
    /// <exception cref="ArgumentException">The filter's state has not finished, or another filter is invalid.</exception>
    ValueTask<int> DeleteManyAsync(JobFilter filter, int maxJobs, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many attempts succeeded and failed, per minute and per queue, over the last 24 hours (the current minute and
    /// the 1,439 before it), ordered by minute, then queue. A minute in which no attempt of a queue ended has no point
    /// for it. Failed counts every failed attempt, retried or not, and every attempt whose worker stopped renewing its
    /// lease.
    /// </summary>
    /// <remarks>
    /// The store counts each attempt in the same atomic step that records its outcome, one counter per queue and minute,
    /// and every host's maintenance deletes counts older than 24 hours (every <see cref="JobQueueOptions.PruneInterval"/>).
    /// Minutes are those of the clock of the host that wrote the outcome.
    /// </remarks>
    ValueTask<IReadOnlyList<ThroughputPoint>> GetThroughputAsync(CancellationToken cancellationToken = default);

    // Job logs.

    /// <summary>
    /// Reads what a job's handler logged through <see cref="Microsoft.Extensions.Logging.ILogger"/> while it ran, per attempt,
    /// oldest attempt first; empty when the job logged nothing or does not exist (or was pruned: logs go with their job).
    /// </summary>
    /// <remarks>
    /// Every message logged inside a handler's run through the host's logger factory (at the levels its filters let
    /// through) is kept, bounded per attempt: the last 200 lines, each cut to 2,000 characters, with a count of the lines
    /// dropped before them. An attempt's lines are written to the store in one write when the attempt ends, so a running
    /// attempt's lines show once it has ended. Lines are stored as text and shown as text, never interpreted.
    /// </remarks>
    ValueTask<IReadOnlyList<JobLogAttempt>> GetJobLogAsync(JobId id, CancellationToken cancellationToken = default);
}
