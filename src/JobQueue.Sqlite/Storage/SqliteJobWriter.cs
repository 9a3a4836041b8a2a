using System.Runtime.InteropServices;
using JobQueue.Sqlite.Notifications;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// The mutating SPI operations, run on one connection inside one write transaction that the caller opens and
/// commits: the store's own (BEGIN IMMEDIATE) or the application's (transactional enqueue). What waiters must
/// hear about is collected in <see cref="Effects"/> and signalled by the caller after the commit.
/// </summary>
/// <remarks>
/// Statements come from a <see cref="SqliteStatementCache"/> whose transaction the caller has set: the store's
/// cache lives as long as its write connection, so a statement is compiled once, not once per call; a statement
/// that runs once per item of a request is fetched once and rebound per item.
/// </remarks>
internal sealed partial class SqliteJobWriter
{
    private readonly SqliteStatementCache _commands;
    private readonly BatchAccounting _batches;

    public SqliteJobWriter(SqliteStatementCache commands)
    {
        _commands = commands;
        _batches = new BatchAccounting(_commands, Effects);
    }

    public WriteEffects Effects { get; } = new();

    /// <exception cref="InvalidOperationException">A job names a batch that neither this request nor the store holds.</exception>
    public IReadOnlyList<EnqueueResult> Enqueue(EnqueueRequest request)
    {
        if (request.Batch is { } batch)
        {
            if (batch.ParentBatchId is { } parentId)
            {
                AddNestedBatch(batch.Id, parentId);
            }

            _commands.Get(JobSql.InsertBatch)
                .With("$id", (BatchId?)batch.Id)
                .With("$success_job_id", batch.SuccessCallback is { } success ? StoredJobReader.Format(success.Id.Value) : null)
                .With("$failure_job_id", batch.FailureCallback is { } failure ? StoredJobReader.Format(failure.Id.Value) : null)
                .With("$now", request.Now)
                .With("$failure_policy", (int)batch.FailurePolicy)
                .With("$parent_batch_id", batch.ParentBatchId)
                .ExecuteNonQuery();
        }


        // Fetched only for a job with a key: most requests have none and never run it.
        SqliteCommand? findKey = null;

        var results = new EnqueueResult[request.Jobs.Count];
        var rows = new List<JobRow>(request.Jobs.Count + 2);
        var keysInRequest = new Dictionary<string, JobId>(StringComparer.Ordinal);
        var newChildren = new Dictionary<BatchId, int>();
        for (int i = 0; i < request.Jobs.Count; i++)
        {
            NewJob job = request.Jobs[i];
            if (job.IdempotencyKey is { } key)
            {
                // The first job of the request with a key wins over later ones; a live stored holder wins over both.
                if (keysInRequest.TryGetValue(key, out JobId earlier))
                {
                    results[i] = new EnqueueResult { Id = earlier, Created = false };
                    continue;
                }

                // Enqueues of one key cannot interleave: the store's writes run one at a time under SQLite's write
                // lock (an application's transaction takes it at its first write, and a deferred one that read first
                // cannot commit over a newer snapshot), so no two enqueues both find the key free.
                findKey ??= _commands.Get(JobSql.FindIdempotencyHolder).With("$now", request.Now);
                if (FindHolder(findKey, key) is { } holder)
                {
                    results[i] = job.ReplaceOnConflict ? ReplaceHolder(holder, job, request.Now) : new EnqueueResult { Id = holder.Id, Created = false };
                    continue;
                }

                keysInRequest.Add(key, job.Id);
            }

            JobState state = job.RunAt > request.Now ? JobState.Scheduled : JobState.Enqueued;
            rows.Add(new JobRow(job, state, job.BatchId, IsCallback: false));
            if (job.BatchId is { } batchId)
            {
                newChildren[batchId] = newChildren.GetValueOrDefault(batchId) + 1;
            }

            results[i] = new EnqueueResult { Id = job.Id, Created = true };
        }

        if (request.Batch is { } created)
        {
            foreach (NewJob? callback in (ReadOnlySpan<NewJob?>)[created.SuccessCallback, created.FailureCallback])
            {
                if (callback is not null)
                {
                    // Callbacks wait, uncounted, until a child's end releases or cancels them (BatchAccounting).
                    rows.Add(new JobRow(callback, JobState.Awaiting, created.Id, IsCallback: true));
                }
            }
        }

        // Written together after the loop: the key checks above read only rows stored before this request, and
        // keys repeated within it are caught by keysInRequest.
        Insert(CollectionsMarshal.AsSpan(rows), request.Now);

        foreach ((BatchId batchId, int count) in newChildren)
        {
            SqliteCommand addChildren = _commands.Get(JobSql.AddBatchChildren).With("$id", (BatchId?)batchId).With("$count", count);
            if (addChildren.ExecuteNonQuery() == 0)
            {
                // Thrown inside the transaction, so the caller rolls back every row written above.
                SqliteCommand exists = _commands.Get(JobSql.BatchExists).With("$id", (BatchId?)batchId);
                throw new InvalidOperationException(exists.ExecuteScalar() is 0L
                    ? $"Batch {batchId} does not exist, so no job can be added to it. A job joins a batch created in the same request, or the batch of the running job that adds it. Nothing was written."
                    : $"Batch {batchId} has already finished, so no job can be added to it; children can only be added while one of its children is pending. Nothing was written.");
            }
        }

        if (request.Batch is { } newBatch && !newChildren.ContainsKey(newBatch.Id))
        {
            _batches.Created(StoredJobReader.Format(newBatch.Id.Value), request.Now);
        }

        return results;
    }

    public IReadOnlyList<StoredJob> Fetch(FetchRequest request)
    {
        if (request.Limits is { } limits)
        {
            return FetchWithLimits(request, limits);
        }

        SqliteCommand command = _commands.Get(JobSql.Fetch)
            .With("$now", request.Now)
            .With("$lease_token", request.LeaseToken)
            .With("$lease_expires_at", request.LeaseExpiresAt)
            .With("$worker_id", request.WorkerId)
            .With("$queue", request.Queue)
            .With("$limit", request.Limit);
        return ReadLeased(command, request);
    }

    /// <summary>Runs a lease statement that returns <see cref="JobSql.JobColumns"/>, fails its unnamed jobs, and returns the rest in fetch order.</summary>
    private List<StoredJob> ReadLeased(SqliteCommand command, FetchRequest request)
    {
        var leased = new List<(StoredJob Job, long Seq)>();
        List<(long Seq, string Unreadable)>? unnamed = null;
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                StoredJob job = StoredJobReader.Read(reader, out bool hasId);
                long seq = reader.GetInt64(StoredJobReader.SeqOrdinal);
                if (hasId)
                {
                    leased.Add((job, seq));
                }
                else
                {
                    (unnamed ??= []).Add((seq, job.Unreadable!));
                }
            }
        }

        // Statements of their own, so after the reader is closed; still inside the fetch's transaction.
        if (unnamed is not null)
        {
            FailUnnamed(unnamed, request);
        }

        // RETURNING gives rows in no defined order; restore the fetch order.
        return leased
            .OrderByDescending(item => item.Job.Priority)
            .ThenBy(item => item.Job.RunAt)
            .ThenBy(item => item.Seq)
            .Select(item => item.Job)
            .ToList();
    }

    /// <summary>
    /// Fails for good the leased jobs whose id does not read, by rowid, in the fetch's transaction: nothing could name
    /// them later, so neither the engine nor a rescue could end them. The error is the one the engine records for a
    /// job it cannot read (<see cref="UnreadableJobException"/>); a counted batch child counts as a failure.
    /// </summary>
    private void FailUnnamed(List<(long Seq, string Unreadable)> unnamed, FetchRequest request)
    {
        SqliteCommand command = _commands.Get(JobSql.FailUnnamed);
        foreach ((long seq, string unreadable) in unnamed)
        {
            command
                .With("$seq", seq)
                .With("$lease_token", request.LeaseToken)
                .With("$now", request.Now)
                .With("$error_type", typeof(UnreadableJobException).FullName)
                .With("$error_message", $"The stored job could not be read, not even its id, so the store failed it when it was fetched, without running it: {unreadable}");
            if (ReadEnded(command, hasState: true) is { } ended)
            {
                Apply(id: null, ended, request.Now);
            }
        }
    }

    public IReadOnlyList<bool> ExtendLeases(IReadOnlyList<LeaseExtension> leases)
    {
        SqliteCommand command = _commands.Get(JobSql.ExtendLease).WithNull("$id").WithNull("$lease_token").WithNull("$expires_at");
        var results = new bool[leases.Count];
        for (int i = 0; i < leases.Count; i++)
        {
            command.Set("$id", StoredJobReader.Format(leases[i].Id.Value));
            command.Set("$lease_token", StoredJobReader.Format(leases[i].LeaseToken));
            command.Set("$expires_at", SqliteTime.ToStored(leases[i].ExpiresAt));
            results[i] = command.ExecuteNonQuery() == 1;
        }

        return results;
    }

    public IReadOnlyList<bool> ReportProgress(IReadOnlyList<ProgressReport> reports)
    {
        SqliteCommand command = _commands.Get(JobSql.ReportProgress)
            .WithNull("$id").WithNull("$lease_token").WithNull("$percent").WithNull("$message");
        var results = new bool[reports.Count];
        for (int i = 0; i < reports.Count; i++)
        {
            command.Set("$id", StoredJobReader.Format(reports[i].Id.Value));
            command.Set("$lease_token", StoredJobReader.Format(reports[i].LeaseToken));
            command.Set("$percent", reports[i].Progress.Percent);
            command.Set("$message", reports[i].Progress.Message);
            results[i] = command.ExecuteNonQuery() == 1;
        }

        return results;
    }

    public IReadOnlyList<bool> Complete(IReadOnlyList<JobCompletion> completions)
    {
        var results = new bool[completions.Count];
        SqliteCommand command = _commands.Get(JobSql.Complete);
        for (int i = 0; i < completions.Count; i++)
        {
            JobCompletion completion = completions[i];
            command
                .With("$id", completion.Id)
                .With("$lease_token", completion.LeaseToken)
                .With("$result", completion.Result)
                .With("$now", completion.Now);
            Ended? ended = ReadEnded(command, hasState: false);
            if (ended is null)
            {
                continue;
            }

            results[i] = true;
            CountAttempt(ended.Queue, completion.Now, succeeded: true);
            Effects.FinishedJobs.Add(completion.Id);
            if (ended.ChildOfBatch is { } batchId)
            {
                _batches.ChildSucceeded(batchId, completion.Now);
            }
        }

        FlushAttempts();
        return results;
    }

    public IReadOnlyList<bool> Fail(IReadOnlyList<JobFailure> failures)
    {
        var results = new bool[failures.Count];
        SqliteCommand command = _commands.Get(JobSql.Fail);
        for (int i = 0; i < failures.Count; i++)
        {
            JobFailure failure = failures[i];
            command
                .With("$id", failure.Id)
                .With("$lease_token", failure.LeaseToken)
                .With("$retry_at", failure.RetryAt)
                .With("$now", failure.Now)
                .With("$error_type", failure.Error.Type)
                .With("$error_message", failure.Error.Message)
                .With("$error_stack_trace", failure.Error.StackTrace);
            Ended? ended = ReadEnded(command, hasState: true);
            if (ended is null)
            {
                continue;
            }

            results[i] = true;
            CountAttempt(ended.Queue, failure.Now, succeeded: false);
            Apply(failure.Id, ended, failure.Now);
        }

        FlushAttempts();
        return results;
    }

    public IReadOnlyList<bool> Reschedule(IReadOnlyList<JobReschedule> reschedules)
    {
        var results = new bool[reschedules.Count];
        SqliteCommand command = _commands.Get(JobSql.Reschedule);
        for (int i = 0; i < reschedules.Count; i++)
        {
            JobReschedule reschedule = reschedules[i];
            command
                .With("$id", reschedule.Id)
                .With("$lease_token", reschedule.LeaseToken)
                .With("$run_at", reschedule.RunAt)
                .With("$now", reschedule.Now);
            using SqliteDataReader reader = command.ExecuteReader();
            if (!reader.Read())
            {
                continue;
            }

            results[i] = true;
            if (reader.GetInt32(0) == (int)JobState.Enqueued)
            {
                Effects.ReadyQueues.Add(reader.GetString(1));
            }
        }

        return results;
    }

    public IReadOnlyList<JobId> RescueExpiredLeases(RescueRequest request)
    {
        SqliteCommand command = _commands.Get(JobSql.RescueExpired)
            .With("$now", request.Now)
            .With("$limit", request.Limit)
            .With("$error_type", request.ErrorType)
            .With("$error_message", request.ErrorMessage);
        var rescued = new List<(JobId? Id, Ended Ended)>();
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                // A damaged id is rescued all the same (by rowid), but cannot be reported: a JobId it is not.
                JobId? id = StoredJobReader.TryParseId(reader.GetString(0), out Guid guid) ? new JobId(guid) : null;
                rescued.Add((id, ReadEnded(reader, firstOrdinal: 1, hasState: true)));
            }
        }

        // Batch accounting runs after the reader is closed: it issues statements of its own.
        var ids = new List<JobId>(rescued.Count);
        foreach ((JobId? id, Ended ended) in rescued)
        {
            Apply(id, ended, request.Now);
            CountAttempt(ended.Queue, request.Now, succeeded: false);
            if (id is { } rescuedId)
            {
                ids.Add(rescuedId);
            }
        }

        FlushAttempts();
        return ids;
    }

    public int PromoteDueJobs(DateTimeOffset now, int limit)
    {
        SqliteCommand command = _commands.Get(JobSql.PromoteDue).With("$now", now).With("$limit", limit);
        using SqliteDataReader reader = command.ExecuteReader();
        int promoted = 0;
        while (reader.Read())
        {
            promoted++;
            Effects.ReadyQueues.Add(reader.GetString(0));
        }

        return promoted;
    }

    public IReadOnlyList<CancelOutcome> Cancel(IReadOnlyList<JobId> ids, DateTimeOffset now)
    {
        SqliteCommand select = _commands.Get(JobSql.SelectStateForCancel).WithNull("$id");
        SqliteCommand cancel = _commands.Get(JobSql.Cancel).WithNull("$id").With("$now", now);
        var outcomes = new CancelOutcome[ids.Count];
        for (int i = 0; i < ids.Count; i++)
        {
            string id = StoredJobReader.Format(ids[i].Value);
            select.Set("$id", id);
            JobState state;
            string? childOfBatch;
            using (SqliteDataReader reader = select.ExecuteReader())
            {
                if (!reader.Read())
                {
                    outcomes[i] = CancelOutcome.NotFound;
                    continue;
                }

                // A state that is none (a damaged row) reads as Failed, so it is answered as finished and not counted.
                long stored = reader.GetFieldType(0) == typeof(long) ? reader.GetInt64(0) : -1;
                state = stored is >= (long)JobState.Scheduled and <= (long)JobState.Awaiting ? (JobState)stored : JobState.Failed;
                childOfBatch = reader.IsDBNull(1) || reader.GetInt32(2) == 1 ? null : reader.GetString(1);
            }

            if (state is JobState.Succeeded or JobState.Failed or JobState.Cancelled)
            {
                outcomes[i] = CancelOutcome.AlreadyFinished;
                continue;
            }

            // The state read above cannot change before this update: the write lock is held since BEGIN IMMEDIATE.
            cancel.Set("$id", id);
            cancel.ExecuteNonQuery();
            outcomes[i] = state == JobState.Running ? CancelOutcome.CancelledWhileRunning : CancelOutcome.Cancelled;
            Effects.FinishedJobs.Add(ids[i]);
            if (childOfBatch is not null)
            {
                _batches.ChildFailed(childOfBatch, now);
            }
        }

        return outcomes;
    }

    public int Prune(PruneRequest request)
    {
        SqliteCommand jobs = _commands.Get(JobSql.PruneJobs)
            .With("$finished_before", request.FinishedBefore)
            .With("$limit", request.Limit);
        int deleted = jobs.ExecuteNonQuery();
        SqliteCommand batches = _commands.Get(JobSql.PruneBatches)
            .With("$finished_before", request.FinishedBefore)
            .With("$limit", request.Limit);
        batches.ExecuteNonQuery();
        return deleted;
    }

    /// <summary>Inserts the rows with compiled statements, several rows per statement where the write lock is held.</summary>
    private void Insert(ReadOnlySpan<JobRow> rows, DateTimeOffset now)
    {
        if (_commands.JobInserter is { } byPosition)
        {
            byPosition.Insert(rows, now);
        }
        else
        {
            SqliteCommand command = _commands.Get(JobSql.InsertJob);
            foreach (JobRow row in rows)
            {
                NewJob job = row.Job;
                command
                    .With("$id", job.Id)
                    .With("$name", job.Name)
                    .With("$queue", job.Queue)
                    .With("$state", (int)row.State)
                    .With("$priority", job.Priority)
                    .With("$arguments", job.Arguments)
                    .With("$max_attempts", job.MaxAttempts)
                    .With("$timeout_ticks", job.Timeout.Ticks)
                    .With("$retry_delay_ticks", job.RetryDelay.Ticks)
                    .With("$run_at", job.RunAt)
                    .With("$now", now)
                    .With("$idempotency_key", row.IsCallback ? null : job.IdempotencyKey)
                    .With("$batch_id", row.BatchId)
                    .With("$is_batch_callback", row.IsCallback ? 1 : 0)
                    .With("$trace_parent", job.TraceParent)
                    .With("$limit_key", job.LimitKey)
                    .With("$idempotency_scope", (int)job.IdempotencyScope)
                    .With("$idempotency_until", job.IdempotencyUntil)
                    .ExecuteNonQuery();
            }
        }

        // One lookup per run of rows on the same queue (the jobs of a request mostly share theirs).
        string? lastQueue = null;
        foreach (JobRow row in rows)
        {
            if (row.State == JobState.Enqueued && !ReferenceEquals(row.Job.Queue, lastQueue))
            {
                lastQueue = row.Job.Queue;
                Effects.ReadyQueues.Add(lastQueue);
            }
        }
    }

    /// <summary>
    /// Follows up a job that left Running without succeeding: wake its queue, or finish it and count it. The id is
    /// null for a job whose id does not read: nobody can wait for it by id.
    /// </summary>
    private void Apply(JobId? id, Ended ended, DateTimeOffset now)
    {
        if (ended.State == JobState.Enqueued)
        {
            Effects.ReadyQueues.Add(ended.Queue);
        }
        else if (ended.State == JobState.Failed)
        {
            if (id is { } finished)
            {
                Effects.FinishedJobs.Add(finished);
            }

            if (ended.ChildOfBatch is { } batchId)
            {
                _batches.ChildFailed(batchId, now);
            }
        }
    }

    private static Ended? ReadEnded(SqliteCommand command, bool hasState)
    {
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? ReadEnded(reader, firstOrdinal: 0, hasState) : null;
    }

    /// <summary>Reads "[state,] queue, batch_id, is_batch_callback" from a RETURNING clause.</summary>
    private static Ended ReadEnded(SqliteDataReader reader, int firstOrdinal, bool hasState)
    {
        int at = firstOrdinal;
        JobState state = hasState ? (JobState)reader.GetInt32(at++) : JobState.Succeeded;
        string queue = reader.GetString(at++);
        string? batchId = reader.IsDBNull(at) ? null : reader.GetString(at);
        bool isCallback = reader.GetInt32(at + 1) == 1;
        return new Ended(state, queue, isCallback ? null : batchId);
    }

    /// <summary>A job's new state after an attempt ended, and its batch if it is a counted child.</summary>
    private sealed record Ended(JobState State, string Queue, string? ChildOfBatch);
}
