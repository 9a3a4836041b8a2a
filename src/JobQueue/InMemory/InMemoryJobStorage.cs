using JobQueue.Statistics;
using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>
/// The in-memory store and the reference implementation of <see cref="IJobStorage"/>'s rules.
/// </summary>
/// <remarks>
/// One lock guards every state change, so each item's change (including batch accounting and callback
/// release) is atomic; it is never held across an await. Waits happen outside it: wake-ups through a
/// per-queue channel, finishes through per-job completion sources, room through one completion source.
/// Signals are raised inside the lock; both channels and completion sources here run their waiters'
/// continuations asynchronously, so no foreign code runs under the lock.
/// </remarks>
internal sealed partial class InMemoryJobStorage : IJobStorage
{
    private static readonly StorageCapabilities s_capabilities = new()
    {
        WakeUpSignal = true,
        FinishSignal = true,
        ChangeSignal = true,
    };

    private readonly Lock _lock = new();
    private readonly int? _capacity;
    private readonly bool _throwWhenFull;
    private readonly Dictionary<JobId, InMemoryJob> _jobs = [];
    private readonly Dictionary<BatchId, InMemoryBatch> _batches = [];

    // Idempotency key to the newest job that carries it. Whether that job still holds the key depends on its scope,
    // state and the caller's now (HoldsKey); a key leaves this table only with its job (prune, delete).
    private readonly Dictionary<string, InMemoryJob> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InMemoryQueue> _queues = new(StringComparer.Ordinal);

    // Scheduled jobs by run time. Cancelling a Scheduled job leaves its entry behind; promotion skips it.
    private readonly PriorityQueue<InMemoryJob, TimeKey> _scheduled = new();

    // Finished jobs by finish time, for prune. A deleted or retried job leaves its entry behind; prune skips it.
    private readonly PriorityQueue<InMemoryJob, TimeKey> _finished = new();
    private readonly HashSet<InMemoryJob> _running = [];
    private readonly Dictionary<JobId, TaskCompletionSource> _finishWaiters = [];
    private TaskCompletionSource? _roomWaiter;

    // Scratch sets for validating one multi-job request (used only under the lock, cleared after each use):
    // ids and idempotency keys claimed by earlier jobs of the same request.
    private HashSet<JobId> _requestIds = [];
    private Dictionary<string, JobId> _requestKeys = new(StringComparer.Ordinal);
    private long _sequence;
    private int _unfinished;

    public InMemoryJobStorage(InMemoryStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Copied: the options object is mutable and the store must not change its bound mid-flight.
        _capacity = options.Capacity;
        _throwWhenFull = options.ThrowWhenFull;
    }

    public StorageCapabilities Capabilities => s_capabilities;

    public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Jobs);
        cancellationToken.ThrowIfCancellationRequested();

        Task? room;
        lock (_lock)
        {
            room = TryEnqueueLocked(request, out EnqueueResult[]? results);
            if (room is null)
            {
                return new ValueTask<IReadOnlyList<EnqueueResult>>(results!);
            }
        }

        return EnqueueWhenRoomAsync(request, room, cancellationToken);
    }

    /// <summary>
    /// A plain job (no batch, no idempotency key), the shape of nearly every IJobClient.EnqueueAsync, is written
    /// without the request, job list and results array that <see cref="EnqueueAsync"/> takes and returns: in memory,
    /// those were a quarter of an enqueue's allocations. Any other job, or a full store (which waits for room or
    /// throws there), takes the general path.
    /// </summary>
    /// <exception cref="InvalidOperationException">A job with the same id exists.</exception>
    public ValueTask<EnqueueResult> EnqueueOneAsync(NewJob job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.BatchId is null && job.IdempotencyKey is null && !cancellationToken.IsCancellationRequested)
        {
            lock (_lock)
            {
                if (_capacity is not int capacity || _unfinished < capacity)
                {
                    AddJobLocked(job, job.RunAt > now ? JobState.Scheduled : JobState.Enqueued, now, batch: null, isCallback: false);
                    return new ValueTask<EnqueueResult>(new EnqueueResult { Id = job.Id, Created = true });
                }
            }
        }

        return EnqueueGeneralAsync(job, now, cancellationToken);
    }

    private async ValueTask<EnqueueResult> EnqueueGeneralAsync(NewJob job, DateTimeOffset now, CancellationToken cancellationToken)
        => (await EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = now }, cancellationToken).ConfigureAwait(false))[0];

    public ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Limit, 1, nameof(request));
        cancellationToken.ThrowIfCancellationRequested();

        lock (_lock)
        {
            // A paused queue leases nothing; checked under the lock that PauseQueueAsync takes, so atomic with it.
            if (!_queues.TryGetValue(request.Queue, out InMemoryQueue? queue) || _pausedQueues.ContainsKey(request.Queue))
            {
                return new ValueTask<IReadOnlyList<StoredJob>>(Array.Empty<StoredJob>());
            }

            FetchAdmission? admission = AdmissionLocked(request, queue);
            if (admission?.QueueHasRoom() == false)
            {
                return new ValueTask<IReadOnlyList<StoredJob>>(Array.Empty<StoredJob>());
            }

            List<StoredJob>? leased = null;
            List<InMemoryJob>? notYetDue = null;
            List<InMemoryJob>? skipped = null;
            long nowTicks = request.Now.UtcTicks;
            while ((leased is null || leased.Count < request.Limit) && queue.TryTakeReady(out InMemoryJob? job))
            {
                if (job.State != JobState.Enqueued)
                {
                    job.ClearStaleReadyEntry();
                    continue; // left behind by a cancel
                }

                if (job.RunAtUtcTicks > nowTicks)
                {
                    // Made ready with a later now than this request's (taken before its caller was held up on a busy
                    // machine): no job starts before its run time, so it waits for a later fetch.
                    (notYetDue ??= []).Add(job);
                    continue;
                }

                if (admission is not null)
                {
                    Admit admit = admission.Decide(job);
                    if (admit == Admit.Park)
                    {
                        // Out of the way, not skipped: it cannot start before a job of its key ends, which puts it back.
                        ParkLocked(job, job.Definition.LimitKey!);
                        continue;
                    }

                    if (admit != Admit.Take)
                    {
                        // Over a limit: it stays Enqueued, untouched, in its place; later jobs are still looked at.
                        (skipped ??= []).Add(job);
                        if (admit == Admit.Stop || skipped.Count >= admission.MaxSkipped)
                        {
                            break;
                        }

                        continue;
                    }
                }

                SetStateLocked(job, JobState.Running);
                job.Lease(request.LeaseToken, request.LeaseExpiresAt, request.WorkerId, request.Now);
                _running.Add(job);
                CountRunningKeyLocked(job, +1);
                admission?.Taken(job);
                (leased ??= new List<StoredJob>(Math.Min(request.Limit, queue.ReadyCount + 1))).Add(job.ToStored());
            }

            if (notYetDue is not null)
            {
                foreach (InMemoryJob job in notYetDue)
                {
                    queue.Push(job);
                }
            }

            if (skipped is not null)
            {
                foreach (InMemoryJob job in skipped)
                {
                    queue.Push(job);
                }
            }

            return new ValueTask<IReadOnlyList<StoredJob>>(leased is null ? Array.Empty<StoredJob>() : leased);
        }
    }

    public ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        var results = new bool[leases.Count];
        lock (_lock)
        {
            for (int i = 0; i < results.Length; i++)
            {
                LeaseExtension lease = leases[i];
                if (TryGetLeasedLocked(lease.Id, lease.LeaseToken, out InMemoryJob? job))
                {
                    job.LeaseExpiresAt = lease.ExpiresAt;
                    results[i] = true;
                }
            }
        }

        return new ValueTask<IReadOnlyList<bool>>(results);
    }

    public ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var results = new bool[completions.Count];
        lock (_lock)
        {
            for (int i = 0; i < results.Length; i++)
            {
                JobCompletion completion = completions[i];
                if (TryGetLeasedLocked(completion.Id, completion.LeaseToken, out InMemoryJob? job))
                {
                    job.Result = completion.Result;
                    FinishLocked(job, JobState.Succeeded, completion.Now);
                    CountAttemptLocked(job, succeeded: true, completion.Now);
                    results[i] = true;
                }
            }
        }

        return new ValueTask<IReadOnlyList<bool>>(results);
    }

    public ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var results = new bool[failures.Count];
        lock (_lock)
        {
            for (int i = 0; i < results.Length; i++)
            {
                JobFailure failure = failures[i];
                if (!TryGetLeasedLocked(failure.Id, failure.LeaseToken, out InMemoryJob? job))
                {
                    continue;
                }

                job.AppendError(failure.Error);
                CountAttemptLocked(job, succeeded: false, failure.Now);
                if (failure.RetryAt is DateTimeOffset retryAt)
                {
                    LeaveRunningLocked(job);
                    MakeDueLocked(job, retryAt, failure.Now);
                }
                else
                {
                    FinishLocked(job, JobState.Failed, failure.Now);
                }

                results[i] = true;
            }
        }

        return new ValueTask<IReadOnlyList<bool>>(results);
    }

    public ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reschedules);
        var results = new bool[reschedules.Count];
        lock (_lock)
        {
            for (int i = 0; i < results.Length; i++)
            {
                JobReschedule reschedule = reschedules[i];
                if (TryGetLeasedLocked(reschedule.Id, reschedule.LeaseToken, out InMemoryJob? job))
                {
                    // The attempt is refunded: a snooze or a lease handed back at shutdown is no failed try.
                    job.Attempt--;
                    LeaveRunningLocked(job);
                    MakeDueLocked(job, reschedule.RunAt, reschedule.Now);
                    results[i] = true;
                }
            }
        }

        return new ValueTask<IReadOnlyList<bool>>(results);
    }

    public ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var results = new bool[reports.Count];
        lock (_lock)
        {
            for (int i = 0; i < results.Length; i++)
            {
                ProgressReport report = reports[i];
                if (TryGetLeasedLocked(report.Id, report.LeaseToken, out InMemoryJob? job))
                {
                    job.Progress = report.Progress;
                    ChangedLocked(job.Id);
                    results[i] = true;
                }
            }
        }

        return new ValueTask<IReadOnlyList<bool>>(results);
    }

    public ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        lock (_lock)
        {
            List<InMemoryJob>? expired = null;
            foreach (InMemoryJob job in _running)
            {
                if (job.LeaseExpiresAt <= request.Now)
                {
                    (expired ??= []).Add(job);
                }
            }

            if (expired is null || request.Limit == 0)
            {
                return new ValueTask<IReadOnlyList<JobId>>(Array.Empty<JobId>());
            }

            // Longest-expired first, so a bounded call makes progress on the oldest losses.
            expired.Sort(static (a, b) =>
            {
                int byExpiry = a.LeaseExpiresAt.CompareTo(b.LeaseExpiresAt);
                return byExpiry != 0 ? byExpiry : a.Sequence.CompareTo(b.Sequence);
            });

            int count = Math.Min(request.Limit, expired.Count);
            var rescued = new JobId[count];
            for (int i = 0; i < count; i++)
            {
                InMemoryJob job = expired[i];
                job.AppendError(new JobError
                {
                    Type = request.ErrorType,
                    Message = request.ErrorMessage,
                    Attempt = job.Attempt,
                    At = request.Now,
                });
                CountAttemptLocked(job, succeeded: false, request.Now);
                if (job.Attempt < job.MaxAttempts)
                {
                    LeaveRunningLocked(job);
                    MakeReadyLocked(job, request.Now);
                }
                else
                {
                    FinishLocked(job, JobState.Failed, request.Now);
                }

                rescued[i] = job.Id;
            }

            return new ValueTask<IReadOnlyList<JobId>>(rescued);
        }
    }

    public ValueTask<int> PromoteDueJobsAsync(PromoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        DateTimeOffset now = request.Now;
        int limit = request.Limit;
        int promoted = 0;
        lock (_lock)
        {
            long nowTicks = now.UtcTicks;
            while (promoted < limit && _scheduled.TryPeek(out InMemoryJob? job, out TimeKey key) && key.UtcTicks <= nowTicks)
            {
                _scheduled.Dequeue();
                if (job.State != JobState.Scheduled || job.RunAtUtcTicks != key.UtcTicks)
                {
                    continue; // left behind by a cancel
                }

                MakeReadyLocked(job, job.RunAt);
                promoted++;
            }
        }

        return new ValueTask<int>(promoted);
    }

    public ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(CancelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<JobId> ids = request.Ids ?? throw new ArgumentException("CancelRequest.Ids is null.", nameof(request));
        DateTimeOffset now = request.Now;
        var outcomes = new CancelOutcome[ids.Count];
        lock (_lock)
        {
            for (int i = 0; i < outcomes.Length; i++)
            {
                if (!_jobs.TryGetValue(ids[i], out InMemoryJob? job))
                {
                    outcomes[i] = CancelOutcome.NotFound;
                }
                else if (job.IsFinal)
                {
                    outcomes[i] = CancelOutcome.AlreadyFinished;
                }
                else
                {
                    outcomes[i] = job.State == JobState.Running ? CancelOutcome.CancelledWhileRunning : CancelOutcome.Cancelled;
                    if (job.IsParked)
                    {
                        UnparkCancelledLocked(job);
                    }
                    else if (job.State == JobState.Enqueued)
                    {
                        // Its ready entry stays behind (neither structure has a cheap removal); a retry revives it.
                        job.Runs.StaleReadyEntry = true;
                    }

                    FinishLocked(job, JobState.Cancelled, now);
                }
            }
        }

        return new ValueTask<IReadOnlyList<CancelOutcome>>(outcomes);
    }

    public ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var jobs = new StoredJob?[ids.Count];
        lock (_lock)
        {
            for (int i = 0; i < jobs.Length; i++)
            {
                jobs[i] = _jobs.TryGetValue(ids[i], out InMemoryJob? job) ? job.ToStored() : null;
            }
        }

        return new ValueTask<IReadOnlyList<StoredJob?>>(jobs);
    }

    public ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return new ValueTask<StoredBatch?>(_batches.TryGetValue(id, out InMemoryBatch? batch) ? batch.ToStored() : null);
        }
    }

    public ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken)
    {
        var statistics = new QueueStatisticsBuilder();
        lock (_lock)
        {
            foreach (InMemoryQueue queue in _queues.Values)
            {
                if (queue.HasJobs)
                {
                    statistics.Add(queue.Name, queue.Counts);
                }
            }
        }

        return new ValueTask<IReadOnlyList<QueueStatistics>>(statistics.Build());
    }

    public ValueTask<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(CancellationToken cancellationToken)
    {
        var ready = new List<ReadyQueue>();
        lock (_lock)
        {
            foreach (InMemoryQueue queue in _queues.Values)
            {
                if (queue.OldestReadyRunAt() is { } oldest)
                {
                    ready.Add(new ReadyQueue { Queue = queue.Name, Count = queue.Counts[(int)JobState.Enqueued], OldestRunAt = oldest });
                }
            }
        }

        ready.Sort(static (a, b) => string.CompareOrdinal(a.Queue, b.Queue));
        return new ValueTask<IReadOnlyList<ReadyQueue>>(ready);
    }

    public ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        int pruned = 0;
        lock (_lock)
        {
            long cutoff = request.FinishedBefore.UtcTicks;
            while (pruned < request.Limit && _finished.TryPeek(out InMemoryJob? job, out TimeKey key) && key.UtcTicks < cutoff)
            {
                _finished.Dequeue();
                if (job.Removed || !job.IsFinal || job.FinishedAt?.UtcTicks != key.UtcTicks)
                {
                    continue; // left behind by a delete, or by a retry (a job finished again has a newer entry)
                }

                RemoveLocked(job);
                pruned++;
            }

            // Batches are bounded by the same limit, so one call never holds the lock for long.
            List<BatchId>? finishedBatches = null;
            if (request.Limit > 0)
            {
                foreach (InMemoryBatch batch in _batches.Values)
                {
                    if (batch.FinishedAt < request.FinishedBefore)
                    {
                        (finishedBatches ??= []).Add(batch.Id);
                        if (finishedBatches.Count == request.Limit)
                        {
                            break;
                        }
                    }
                }
            }

            if (finishedBatches is not null)
            {
                foreach (BatchId id in finishedBatches)
                {
                    _batches.Remove(id);
                }
            }
        }

        return new ValueTask<int>(pruned);
    }

    public ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        InMemoryQueue state;
        lock (_lock)
        {
            state = GetQueueLocked(queue);
        }

        return ReadSignalAsync(state, cancellationToken);
    }

    public ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken)
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            if (!_jobs.TryGetValue(id, out InMemoryJob? job) || job.IsFinal)
            {
                return ValueTask.CompletedTask;
            }

            // Registered under the lock that also guards finishing, so a finish after this point completes it.
            if (!_finishWaiters.TryGetValue(id, out waiter))
            {
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _finishWaiters.Add(id, waiter);
            }
        }

        return new ValueTask(waiter.Task.WaitAsync(cancellationToken));
    }

    private static async ValueTask ReadSignalAsync(InMemoryQueue queue, CancellationToken cancellationToken)
    {
        // Reading consumes the signal: the next wait blocks until new work arrives again.
        await queue.Signal.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IReadOnlyList<EnqueueResult>> EnqueueWhenRoomAsync(EnqueueRequest request, Task room, CancellationToken cancellationToken)
    {
        while (true)
        {
            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                // Everything is checked again: room may be gone to another writer, and idempotency keys or
                // batches may have changed while this request waited.
                Task? next = TryEnqueueLocked(request, out EnqueueResult[]? results);
                if (next is null)
                {
                    return results!;
                }

                room = next;
            }
        }
    }

    /// <summary>
    /// Validates the whole request, then writes it; throws before writing anything, so a request is all or
    /// nothing. Returns null when written, or a task that completes when room may have been freed.
    /// </summary>
    private Task? TryEnqueueLocked(EnqueueRequest request, out EnqueueResult[]? results)
    {
        try
        {
            return ValidateAndWriteLocked(request, out results);
        }
        finally
        {
            if (request.Jobs.Count > 1)
            {
                ResetScratchLocked();
            }
        }
    }

    private void ResetScratchLocked()
    {
        // A huge request would leave huge scratch tables that every later Clear walks; drop them instead.
        const int KeepUpTo = 1024;
        if (_requestIds.Count > KeepUpTo)
        {
            _requestIds = [];
        }
        else
        {
            _requestIds.Clear();
        }

        if (_requestKeys.Count > KeepUpTo)
        {
            _requestKeys = new Dictionary<string, JobId>(StringComparer.Ordinal);
        }
        else
        {
            _requestKeys.Clear();
        }
    }

    private Task? ValidateAndWriteLocked(EnqueueRequest request, out EnqueueResult[]? results)
    {
        IReadOnlyList<NewJob> jobs = request.Jobs;
        NewBatch? newBatch = request.Batch;
        var outcome = new EnqueueResult[jobs.Count];
        int creating = 0;

        if (newBatch is not null)
        {
            if (_batches.ContainsKey(newBatch.Id))
            {
                throw new InvalidOperationException($"Batch {newBatch.Id} already exists; a new batch needs a new id.");
            }

            creating += (newBatch.SuccessCallback is null ? 0 : 1) + (newBatch.FailureCallback is null ? 0 : 1);
            if (newBatch.ParentBatchId is BatchId parentId)
            {
                if (!_batches.TryGetValue(parentId, out InMemoryBatch? parent))
                {
                    throw new InvalidOperationException(
                        $"Batch {newBatch.Id} is to be nested in batch {parentId}, which does not exist. Nothing was written.");
                }

                if (parent.FinishedAt is not null)
                {
                    throw new InvalidOperationException(
                        $"Batch {newBatch.Id} is to be nested in batch {parentId}, which has already finished. Nothing was written.");
                }
            }
        }

        bool several = outcome.Length > 1;
        for (int i = 0; i < outcome.Length; i++)
        {
            NewJob job = jobs[i] ?? throw new ArgumentException($"EnqueueRequest.Jobs[{i}] is null.", nameof(request));
            if (job.BatchId is BatchId batchId && batchId != newBatch?.Id)
            {
                if (!_batches.TryGetValue(batchId, out InMemoryBatch? batch))
                {
                    throw new InvalidOperationException(
                        $"Job {job.Id} names batch {batchId}, which does not exist; a child can only join a batch created in the same request or one that exists already. Nothing was written.");
                }

                if (batch.FinishedAt is not null)
                {
                    throw new InvalidOperationException(
                        $"Job {job.Id} names batch {batchId}, which has already finished; children can only be added while one of its children is pending. Nothing was written.");
                }
            }

            if (job.IdempotencyKey is string key)
            {
                if (_keys.TryGetValue(key, out InMemoryJob? holder) && HoldsKey(holder, request.Now))
                {
                    // Replaced in WriteLocked, once the whole request is known to be valid.
                    bool replace = job.ReplaceOnConflict && holder.State is JobState.Scheduled or JobState.Enqueued;
                    outcome[i] = new EnqueueResult { Id = holder.Id, Created = false, Replaced = replace };
                    continue;
                }

                // Within one request the first job with a key wins.
                if (several && !_requestKeys.TryAdd(key, job.Id))
                {
                    outcome[i] = new EnqueueResult { Id = _requestKeys[key], Created = false };
                    continue;
                }
            }

            if (_jobs.ContainsKey(job.Id) || (several && !_requestIds.Add(job.Id)))
            {
                throw new InvalidOperationException($"Job {job.Id} already exists or appears twice in the request; every new job needs a new id. Nothing was written.");
            }

            outcome[i] = new EnqueueResult { Id = job.Id, Created = true };
            creating++;
        }

        if (_capacity is int capacity && _unfinished + creating > capacity)
        {
            if (creating > capacity)
            {
                throw new ArgumentException(
                    $"The request writes {creating} jobs, more than the in-memory store's whole capacity of {capacity} (InMemoryStorageOptions.Capacity); it could never fit. Split it, or raise the capacity.",
                    nameof(request));
            }

            if (_throwWhenFull)
            {
                throw new QueueFullException(
                    $"The in-memory job store is full: it holds {_unfinished} unfinished jobs of its capacity of {capacity} (InMemoryStorageOptions.Capacity) and the request needs room for {creating}. " +
                    "Nothing was written. Raise the capacity, or set InMemoryStorageOptions.ThrowWhenFull to false to wait for room.");
            }

            results = null;
            _roomWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _roomWaiter.Task;
        }

        WriteLocked(request, outcome);
        results = outcome;
        return null;
    }

    private void WriteLocked(EnqueueRequest request, EnqueueResult[] outcome)
    {
        DateTimeOffset now = request.Now;
        NewBatch? newBatch = request.Batch;
        InMemoryBatch? createdBatch = null;
        if (newBatch is not null)
        {
            InMemoryBatch? parentBatch = newBatch.ParentBatchId is BatchId parentId ? _batches[parentId] : null;
            createdBatch = new InMemoryBatch(newBatch.Id, now) { FailurePolicy = newBatch.FailurePolicy, Parent = parentBatch };
            _batches.Add(newBatch.Id, createdBatch);
            if (parentBatch is not null)
            {
                // The nested batch is one pending child of its parent until it finishes.
                parentBatch.AddChild();
            }
        }

        IReadOnlyList<NewJob> jobs = request.Jobs;
        for (int i = 0; i < outcome.Length; i++)
        {
            if (!outcome[i].Created)
            {
                if (outcome[i].Replaced)
                {
                    ReplaceLocked(_jobs[outcome[i].Id], jobs[i], now);
                }

                continue;
            }

            NewJob definition = jobs[i];
            InMemoryBatch? parent = null;
            if (definition.BatchId is BatchId batchId)
            {
                parent = createdBatch is not null && createdBatch.Id == batchId ? createdBatch : _batches[batchId];
                parent.AddChild();
            }

            JobState state = definition.RunAt > now ? JobState.Scheduled : JobState.Enqueued;
            AddJobLocked(definition, state, now, parent, isCallback: false);
        }

        if (newBatch is null || createdBatch is null)
        {
            return;
        }

        // Callbacks belong to the batch (queries by batch find them) but are not children: they add nothing
        // to its counts and their own outcome is no batch event.
        if (newBatch.SuccessCallback is NewJob success)
        {
            createdBatch.SuccessCallback = AddJobLocked(success, JobState.Awaiting, now, createdBatch, isCallback: true);
        }

        if (newBatch.FailureCallback is NewJob failure)
        {
            createdBatch.FailureCallback = AddJobLocked(failure, JobState.Awaiting, now, createdBatch, isCallback: true);
        }

        if (createdBatch.Total == 0)
        {
            createdBatch.FinishEmpty(now, this);
        }
    }

    private InMemoryJob AddJobLocked(NewJob definition, JobState state, DateTimeOffset now, InMemoryBatch? batch, bool isCallback)
    {
        InMemoryQueue queue = GetQueueLocked(definition.Queue);
        var job = new InMemoryJob(definition, queue, ++_sequence, batch, isCallback, state, now);
        if (!_jobs.TryAdd(definition.Id, job))
        {
            // Only reachable from TryEnqueuePlain, which leaves this check to the one lookup here.
            throw new InvalidOperationException($"Job {definition.Id} already exists; every new job needs a new id. Nothing was written.");
        }

        queue.Count(state, 1);
        _unfinished++;
        IndexLocked(job);

        // A callback whose key is already held keeps its key as data but does not take it over.
        if (definition.IdempotencyKey is string key && (!_keys.TryGetValue(key, out InMemoryJob? holder) || !HoldsKey(holder, now)))
        {
            _keys[key] = job;
        }

        if (state == JobState.Enqueued)
        {
            queue.Push(job);
            queue.Wake();
        }
        else if (state == JobState.Scheduled)
        {
            _scheduled.Enqueue(job, new TimeKey(job.RunAtUtcTicks, job.Sequence));
        }

        return job;
    }

    private InMemoryQueue GetQueueLocked(string name)
    {
        if (!_queues.TryGetValue(name, out InMemoryQueue? queue))
        {
            queue = new InMemoryQueue(name);
            _queues.Add(name, queue);
        }

        return queue;
    }

    private bool TryGetLeasedLocked(JobId id, Guid token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InMemoryJob? job)
        => _jobs.TryGetValue(id, out job) && job.HoldsLease(token);

    private void SetStateLocked(InMemoryJob job, JobState state)
    {
        job.Queue.Count(job.State, -1);
        job.Queue.Count(state, 1);
        job.State = state;
        ChangedLocked(job.Id);
    }

    private void LeaveRunningLocked(InMemoryJob job)
    {
        _running.Remove(job);
        CountRunningKeyLocked(job, -1);
        job.ClearLease();
    }

    /// <summary>Due at <paramref name="runAt"/>: Scheduled if that is after now, else Enqueued at once.</summary>
    private void MakeDueLocked(InMemoryJob job, DateTimeOffset runAt, DateTimeOffset now)
    {
        if (runAt > now)
        {
            SetStateLocked(job, JobState.Scheduled);
            job.RunAt = runAt;
            _scheduled.Enqueue(job, new TimeKey(runAt.UtcTicks, job.Sequence));
        }
        else
        {
            MakeReadyLocked(job, runAt);
        }
    }

    private void MakeReadyLocked(InMemoryJob job, DateTimeOffset runAt)
    {
        SetStateLocked(job, JobState.Enqueued);
        job.RunAt = runAt;
        job.Queue.Push(job);
        job.Queue.Wake();
    }

    /// <summary>
    /// Moves a job to a final state with everything that comes with it in the same atomic step: the lease
    /// voided, the idempotency key freed (Failed, Cancelled), the batch accounting of a child, the finish
    /// waiters and room waiters woken.
    /// </summary>
    private void FinishLocked(InMemoryJob job, JobState state, DateTimeOffset now)
    {
        if (job.State == JobState.Running)
        {
            LeaveRunningLocked(job);
        }

        SetStateLocked(job, state);
        job.FinishedAt = now;
        _finished.Enqueue(job, new TimeKey(now.UtcTicks, job.Sequence));
        FinishedSet(state).Add(job);

        _unfinished--;
        if (_roomWaiter is not null)
        {
            _roomWaiter.TrySetResult();
            _roomWaiter = null;
        }

        if (_finishWaiters.Count != 0 && _finishWaiters.Remove(job.Id, out TaskCompletionSource? waiter))
        {
            waiter.TrySetResult();
        }

        if (job.ParentBatch is InMemoryBatch batch)
        {
            batch.CountChild(state == JobState.Succeeded, now, this);
        }
    }

    private void ReleaseKeyLocked(InMemoryJob job)
    {
        if (job.Definition.IdempotencyKey is string key && _keys.TryGetValue(key, out InMemoryJob? holder) && holder == job)
        {
            _keys.Remove(key);
        }
    }

    internal void ReleaseCallbackLocked(InMemoryJob? callback, DateTimeOffset now)
    {
        // A callback cancelled by a user stays cancelled; only an Awaiting one is released, exactly once.
        if (callback is { State: JobState.Awaiting })
        {
            MakeReadyLocked(callback, now);
        }
    }

    internal void CancelCallbackLocked(InMemoryJob? callback, DateTimeOffset now)
    {
        if (callback is { State: JobState.Awaiting })
        {
            FinishLocked(callback, JobState.Cancelled, now);
        }
    }
}
