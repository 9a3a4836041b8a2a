namespace JobQueue;

/// <summary>
/// Enqueues jobs and reads their status. Registered as a singleton by <c>AddJobQueue</c>; inject it
/// anywhere, or use <see cref="JobContext.Jobs"/> inside a job.
/// </summary>
public interface IJobClient
{
    /// <summary>Enqueues one job and returns its id once the job is durable in the store.</summary>
    /// <typeparam name="TArgs">
    /// The job's arguments type. Its handler need not be registered in this process: the job's name comes from its
    /// <see cref="JobNameAttribute"/> (else its full name), its options from <c>AddJob</c> when the handler is registered
    /// here, else from its <see cref="JobDefaultsAttribute"/>.
    /// </typeparam>
    /// <exception cref="ArgumentNullException"><paramref name="args"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The options are invalid, such as both Delay and RunAt set, or the serialized arguments are larger than
    /// <see cref="JobQueueOptions.MaxArgumentsSize"/>; nothing was written.
    /// </exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TArgs"/> has no handler here, and its job name is another registered arguments type's.</exception>
    /// <exception cref="QueueFullException">A bounded in-memory store is full and configured to throw.</exception>
    ValueTask<JobId> EnqueueAsync<TArgs>(TArgs args, EnqueueOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Enqueues many jobs; ids are returned in the order of <paramref name="args"/>.</summary>
    /// <remarks>
    /// Up to 1,000 jobs are written in one atomic store operation. A larger list is written in consecutive operations
    /// of at most 1,000 jobs each, so that no single Redis script or SQL statement holds the server for long: each
    /// operation is all-or-nothing, the whole is not, and a failure part-way (an exception from this call) can leave
    /// the first operations written, so retrying the call can enqueue those jobs twice. Where that matters, enqueue
    /// the jobs one at a time with an <see cref="EnqueueOptions.IdempotencyKey"/> each (concurrent single enqueues
    /// share round trips on network stores), or make the handler tolerate a second copy. Every item is serialized and
    /// checked before the first write.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="args"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">
    /// The options are invalid, or an item's serialized arguments are larger than <see cref="JobQueueOptions.MaxArgumentsSize"/>;
    /// nothing was written.
    /// </exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TArgs"/> has no handler here, and its job name is another registered arguments type's.</exception>
    ValueTask<IReadOnlyList<JobId>> EnqueueManyAsync<TArgs>(IEnumerable<TArgs> args, EnqueueOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a batch: its children and its callbacks are written in one atomic store operation. The success
    /// callback runs once after every child succeeded; the failure callback runs once when a child fails for good.
    /// </summary>
    /// <remarks>
    /// A batch is never split, whatever its size: its children and callbacks are one atomic write, so a very large
    /// batch holds the store for that write (see the configuration docs for measured costs).
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The batch has no child job, an option is invalid, or a job's serialized arguments are larger than
    /// <see cref="JobQueueOptions.MaxArgumentsSize"/>; nothing was written.
    /// </exception>
    ValueTask<BatchId> StartBatchAsync(Action<BatchBuilder> build, CancellationToken cancellationToken = default);

    /// <summary>Reads a job's status; null when no such job exists (or it was pruned).</summary>
    ValueTask<JobInfo?> GetAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>Reads a batch's progress; null when no such batch exists (or it was pruned).</summary>
    ValueTask<BatchInfo?> GetBatchAsync(BatchId id, CancellationToken cancellationToken = default);

    /// <summary>Waits until the job reaches a final state (Succeeded, Failed or Cancelled) and returns it.</summary>
    /// <exception cref="InvalidOperationException">No such job exists.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    ValueTask<JobInfo> WaitForCompletionAsync(JobId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a job that has not finished. A queued job never starts; a running job's cancellation token
    /// fires. Returns false when the job does not exist or already finished.
    /// </summary>
    ValueTask<bool> CancelAsync(JobId id, CancellationToken cancellationToken = default);

    // Watching a job.

    /// <summary>
    /// Watches a job: yields its current state at once, then a new snapshot on every change of state, attempt or
    /// progress, and ends after yielding a final state (Succeeded, Failed or Cancelled).
    /// </summary>
    /// <remarks>
    /// <para>Changes this process writes (its worker host running the job, a cancel through this client) arrive as they
    /// are written; a final state written by another process arrives through the store's finish signal; other changes
    /// made by another process are read on the poll interval (<see cref="JobQueueOptions.PollInterval"/>).</para>
    /// <para>All watchers of one job in a process share one store read per change. A watcher that reads slower than the
    /// job changes skips intermediate snapshots (it is given the newest), but the final state is always the last one it
    /// reads. A job deleted or pruned while watched ends the enumeration without a final state.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">No such job exists (thrown by the first MoveNextAsync).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the job finished.</exception>
    IAsyncEnumerable<JobInfo> WatchAsync(JobId id, CancellationToken cancellationToken = default);
}
