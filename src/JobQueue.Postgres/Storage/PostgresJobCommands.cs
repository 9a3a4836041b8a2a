using JobQueue.Statistics;
using JobQueue.Storage;
using JobQueue.Writes;
using Npgsql;
using NpgsqlTypes;

namespace JobQueue.Postgres.Storage;

/// <summary>
/// The store's SQL work, on a connection the caller opened: the pooled store gives it one from its data source,
/// the transaction-bound store the application's own (inside a savepoint). What to open, and whether a call runs
/// in a transaction, is the caller's decision; this class only needs to know whether each statement commits on
/// its own.
/// </summary>
internal sealed partial class PostgresJobCommands
{
    // From this many plain jobs on, COPY (three round trips, but the cheapest rows: measured about twice the rate of
    // the one-statement INSERT from arrays at 1,000 jobs, and slower at 100) is used.
    private const int CopyThreshold = 256;

    private readonly bool _autocommit;

    /// <param name="sql">The statements, for the store's schema.</param>
    /// <param name="autocommit">
    /// Each statement commits on its own (a pooled connection outside a transaction): a fetch's lease may then commit
    /// without waiting for the disk, and a bulk write the server aborted can be run again item by item. Inside a
    /// caller's transaction neither holds: the settings are the caller's, and an error aborts the whole savepoint.
    /// </param>
    public PostgresJobCommands(PostgresSql sql, bool autocommit)
    {
        Sql = sql;
        _autocommit = autocommit;
    }

    public PostgresSql Sql { get; }

    /// <summary>Whether <see cref="EnqueueAsync"/> runs more than one statement for <paramref name="request"/>, which must then be atomic.</summary>
    public static bool EnqueueNeedsTransaction(EnqueueRequest request) =>
        request.Batch is not null || (request.Jobs.Count > 1 && (request.Jobs.Count >= CopyThreshold || !IsPlain(request.Jobs)));

    // ------------------------------------------------------------------ enqueue

    public async Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(NpgsqlConnection connection, EnqueueRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (request.Batch is null && IsPlain(request.Jobs))
            {
                return request.Jobs.Count switch
                {
                    1 => await EnqueuePlainOneAsync(connection, request, cancellationToken).ConfigureAwait(false),
                    >= CopyThreshold => await EnqueueCopyAsync(connection, request, cancellationToken).ConfigureAwait(false),
                    _ => await EnqueuePlainAsync(connection, request, cancellationToken).ConfigureAwait(false),
                };
            }

            if (request.Batch is null && request.Jobs.Count == 1)
            {
                return [await EnqueueOneAsync(connection, request.Jobs[0], request.Now, cancellationToken).ConfigureAwait(false)];
            }

            return await EnqueueStagedAsync(connection, request, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName is "jobs_pkey" or "batches_pkey")
        {
            // The statement (or the whole transaction) failed, so nothing was written.
            throw new InvalidOperationException(
                $"A {(e.ConstraintName == "jobs_pkey" ? "job" : "batch")} with the same id exists already: ids are made once per job and batch; nothing was written.", e);
        }
    }

    /// <summary>No job needs an idempotency check or batch accounting: the jobs can go in as one plain INSERT.</summary>
    private static bool IsPlain(IReadOnlyList<NewJob> jobs)
    {
        foreach (NewJob job in jobs)
        {
            if (job.IdempotencyKey is not null || job.BatchId is not null)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<IReadOnlyList<EnqueueResult>> EnqueuePlainOneAsync(NpgsqlConnection connection, EnqueueRequest request, CancellationToken cancellationToken)
    {
        NewJob job = request.Jobs[0];
        await using var command = new NpgsqlCommand(Sql.EnqueuePlainOne, connection);

        // Positional, in the statement's $n order.
        NpgsqlParameterCollection p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = job.Id.Value });
        p.Add(new NpgsqlParameter<string> { TypedValue = job.Name });
        p.Add(new NpgsqlParameter<string> { TypedValue = job.Queue });
        p.Add(new NpgsqlParameter<int> { TypedValue = job.Priority });
        p.Add(new NpgsqlParameter<byte[]> { TypedValue = job.Arguments });
        p.Add(new NpgsqlParameter<int> { TypedValue = job.MaxAttempts });
        p.Add(new NpgsqlParameter<long> { TypedValue = job.Timeout.Ticks });
        p.Add(new NpgsqlParameter<long> { TypedValue = job.RetryDelay.Ticks });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)job.TraceParent ?? DBNull.Value });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = JobReader.Utc(job.RunAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = JobReader.Utc(request.Now), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)job.LimitKey ?? DBNull.Value });

        // One statement in autocommit: the job is committed (durable) when the call returns.
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return [new EnqueueResult { Id = job.Id, Created = true }];
    }

    private async Task<IReadOnlyList<EnqueueResult>> EnqueuePlainAsync(NpgsqlConnection connection, EnqueueRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<NewJob> jobs = request.Jobs;
        int count = jobs.Count;
        var ids = new Guid[count];
        var names = new string[count];
        var queues = new string[count];
        var priorities = new int[count];
        var arguments = new byte[count][];
        var maxAttempts = new int[count];
        var timeouts = new long[count];
        var retryDelays = new long[count];
        var runAts = new DateTime[count];
        var traceParents = new string?[count];
        var limitKeys = new string?[count];
        var results = new EnqueueResult[count];
        for (int i = 0; i < count; i++)
        {
            NewJob job = jobs[i];
            ids[i] = job.Id.Value;
            names[i] = job.Name;
            queues[i] = job.Queue;
            priorities[i] = job.Priority;
            arguments[i] = job.Arguments;
            maxAttempts[i] = job.MaxAttempts;
            timeouts[i] = job.Timeout.Ticks;
            retryDelays[i] = job.RetryDelay.Ticks;
            runAts[i] = JobReader.Utc(job.RunAt);
            traceParents[i] = job.TraceParent;
            limitKeys[i] = job.LimitKey;
            results[i] = new EnqueueResult { Id = job.Id, Created = true };
        }

        await using var command = new NpgsqlCommand(Sql.EnqueuePlain, connection);
        NpgsqlParameterCollection p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid[]>("ids", ids));
        p.Add(new NpgsqlParameter<string[]>("names", names));
        p.Add(new NpgsqlParameter<string[]>("queues", queues));
        p.Add(new NpgsqlParameter<int[]>("priorities", priorities));
        p.Add(new NpgsqlParameter<byte[][]>("arguments", arguments) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        p.Add(new NpgsqlParameter<int[]>("max_attempts", maxAttempts));
        p.Add(new NpgsqlParameter<long[]>("timeout_ticks", timeouts));
        p.Add(new NpgsqlParameter<long[]>("retry_delay_ticks", retryDelays));
        p.Add(new NpgsqlParameter<DateTime[]>("run_ats", runAts) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<string?[]>("trace_parents", traceParents) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string?[]>("limit_keys", limitKeys) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(Time("now", request.Now));

        // One statement: it writes every job or (a duplicate id) none.
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Many plain jobs: binary COPY straight into the jobs table, the wake-ups sent first in the same transaction
    /// (a notification is delivered at commit, and dropped with a rollback).
    /// </summary>
    private async Task<IReadOnlyList<EnqueueResult>> EnqueueCopyAsync(NpgsqlConnection connection, EnqueueRequest request, CancellationToken cancellationToken)
    {
        var results = new EnqueueResult[request.Jobs.Count];
        var due = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < results.Length; i++)
        {
            NewJob job = request.Jobs[i];
            results[i] = new EnqueueResult { Id = job.Id, Created = true };
            if (job.RunAt <= request.Now)
            {
                due.Add(job.Queue);
            }
        }

        if (due.Count > 0)
        {
            await using var wake = new NpgsqlCommand(Sql.WakeQueues, connection);
            wake.Parameters.Add(new NpgsqlParameter<string[]>("queues", [.. due]));
            await wake.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        DateTime now = JobReader.Utc(request.Now);
        await using NpgsqlBinaryImporter writer = await connection.BeginBinaryImportAsync(Sql.CopyJobs, cancellationToken).ConfigureAwait(false);
        foreach (NewJob job in request.Jobs)
        {
            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(job.Id.Value, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(job.Name, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(job.Queue, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(job.RunAt > request.Now ? (short)JobState.Scheduled : (short)JobState.Enqueued, NpgsqlDbType.Smallint, cancellationToken)
                .ConfigureAwait(false);
            await writer.WriteAsync(job.Priority, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(job.Arguments, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(job.MaxAttempts, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(job.Timeout.Ticks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(job.RetryDelay.Ticks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(JobReader.Utc(job.RunAt), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(writer, job.TraceParent, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(writer, job.LimitKey, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }

    private async Task<EnqueueResult> EnqueueOneAsync(NpgsqlConnection connection, NewJob job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // With a key: its lock, then the enqueue, in one batch, which is one transaction (an implicit one in autocommit):
        // the enqueue statement's snapshot is taken after the lock was granted, so it sees the holder any earlier
        // enqueue of the key committed.
        await using var batch = new NpgsqlBatch(connection);
        if (job.IdempotencyKey is { } key)
        {
            var lockKey = new NpgsqlBatchCommand(Sql.LockIdempotencyKeys);
            lockKey.Parameters.Add(new NpgsqlParameter<long[]>("key_locks", [IdempotencyKeyLock(key)]));
            batch.BatchCommands.Add(lockKey);
        }

        var command = new NpgsqlBatchCommand(Sql.EnqueueOne);
        AddJobParameters(command.Parameters, job, now);
        batch.BatchCommands.Add(command);
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (job.IdempotencyKey is not null)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!reader.GetBoolean(2))
        {
            throw MissingBatch(job.BatchId!.Value);
        }

        return !reader.IsDBNull(0)
            ? new EnqueueResult { Id = job.Id, Created = true }
            : new EnqueueResult { Id = new JobId(reader.GetGuid(1)), Created = false, Replaced = reader.GetInt64(3) > 0 };
    }

    private async Task<IReadOnlyList<EnqueueResult>> EnqueueStagedAsync(NpgsqlConnection connection, EnqueueRequest request, CancellationToken cancellationToken)
    {
        // The request's rows in order: its jobs, then the batch's callbacks (which always carry its batch id, so they
        // show in the batch's job list).
        var rows = new List<StagedJob>(request.Jobs.Count + 2);
        foreach (NewJob job in request.Jobs)
        {
            rows.Add(new StagedJob(job, job.BatchId, IsCallback: false));
        }

        foreach (NewJob? callback in new[] { request.Batch?.SuccessCallback, request.Batch?.FailureCallback })
        {
            if (callback is not null)
            {
                rows.Add(new StagedJob(callback, request.Batch!.Id, IsCallback: true));
            }
        }

        EnqueueResult[] outcomes = await ResolveIdempotencyKeysAsync(connection, rows, request.Now, cancellationToken).ConfigureAwait(false);

        await ExecuteAsync(connection, Sql.CreateStaging, cancellationToken).ConfigureAwait(false);

        // Binary COPY: one stream for any number of jobs, no per-row statement. The staging table then feeds one
        // INSERT ... SELECT, which keeps batch counting set-based and atomic.
        await using (NpgsqlBinaryImporter writer = await connection.BeginBinaryImportAsync(Sql.CopyStaging, cancellationToken).ConfigureAwait(false))
        {
            for (int ordinal = 0; ordinal < rows.Count; ordinal++)
            {
                if (outcomes[ordinal].Created)
                {
                    await WriteStagedAsync(writer, ordinal, rows[ordinal].Job, rows[ordinal].BatchId, rows[ordinal].IsCallback, cancellationToken)
                        .ConfigureAwait(false);
                }
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        Guid? batchId = request.Batch?.Id.Value;
        if (request.Batch is { } batch)
        {
            await using var insertBatch = new NpgsqlCommand(Sql.InsertBatch, connection);
            insertBatch.Parameters.Add(Uuid("batch_id", batch.Id.Value));
            insertBatch.Parameters.Add(Time("now", request.Now));
            insertBatch.Parameters.Add(Uuid("success_job_id", batch.SuccessCallback?.Id.Value));
            insertBatch.Parameters.Add(Uuid("failure_job_id", batch.FailureCallback?.Id.Value));
            insertBatch.Parameters.Add(new NpgsqlParameter<short>("failure_policy", (short)batch.FailurePolicy));
            insertBatch.Parameters.Add(Uuid("parent_batch_id", batch.ParentBatchId?.Value));
            await insertBatch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            if (batch.ParentBatchId is { } parent)
            {
                // The enqueue's transaction: a missing or finished parent rolls back everything written so far.
                await using var join = new NpgsqlCommand(Sql.JoinParentBatch, connection);
                join.Parameters.Add(Uuid("parent_batch_id", parent.Value));
                if (await ScalarLongAsync(join, cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw MissingParentBatch(parent);
                }
            }
        }

        await using (var lockBatches = new NpgsqlCommand(Sql.LockExistingBatches, connection))
        {
            lockBatches.Parameters.Add(Uuid("batch_id", batchId));
            await using NpgsqlDataReader reader = await lockBatches.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.GetInt64(0) != reader.GetInt64(1))
            {
                BatchId missing = request.Jobs.First(j => j.BatchId is not null && j.BatchId.Value.Value != batchId).BatchId!.Value;
                throw MissingBatch(missing);
            }
        }

        await using (var insert = new NpgsqlCommand(Sql.InsertStaged, connection))
        {
            insert.Parameters.Add(Time("now", request.Now));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        EnqueueResult[] results = outcomes[..request.Jobs.Count];
        if (request.Batch is { } created && !request.Jobs.Where((job, i) => results[i].Created && job.BatchId == created.Id).Any())
        {
            await using var finish = new NpgsqlCommand(Sql.FinishEmptyBatch, connection);
            finish.Parameters.Add(Uuid("batch_id", created.Id.Value));
            finish.Parameters.Add(Time("now", request.Now));
            await finish.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private static async Task WriteStagedAsync(NpgsqlBinaryImporter writer, int ordinal, NewJob job, BatchId? batchId, bool isCallback,
        CancellationToken cancellationToken)
    {
        await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(ordinal, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(job.Id.Value, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(job.Name, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(job.Queue, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(job.Priority, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(job.Arguments, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(job.MaxAttempts, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(job.Timeout.Ticks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(job.RetryDelay.Ticks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(JobReader.Utc(job.RunAt), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(writer, job.IdempotencyKey, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(writer, batchId?.Value, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(isCallback, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(writer, job.TraceParent, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync((short)job.IdempotencyScope, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(writer, job.IdempotencyUntil is { } until ? JobReader.Utc(until) : (DateTime?)null, NpgsqlDbType.TimestampTz, cancellationToken)
            .ConfigureAwait(false);
        await WriteNullableAsync(writer, job.LimitKey, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, type, cancellationToken);

    private static void AddJobParameters(NpgsqlParameterCollection p, NewJob job, DateTimeOffset now)
    {
        p.Add(Uuid("id", job.Id.Value));
        p.Add(Text("name", job.Name));
        p.Add(Text("queue", job.Queue));
        p.Add(new NpgsqlParameter<int>("priority", job.Priority));
        p.Add(new NpgsqlParameter<byte[]>("arguments", job.Arguments));
        p.Add(new NpgsqlParameter<int>("max_attempts", job.MaxAttempts));
        p.Add(new NpgsqlParameter<long>("timeout_ticks", job.Timeout.Ticks));
        p.Add(new NpgsqlParameter<long>("retry_delay_ticks", job.RetryDelay.Ticks));
        p.Add(Time("run_at", job.RunAt));
        p.Add(Time("now", now));
        p.Add(Text("idempotency_key", job.IdempotencyKey));
        p.Add(Uuid("batch_id", job.BatchId?.Value));
        p.Add(Text("trace_parent", job.TraceParent));
        p.Add(new NpgsqlParameter<short>("idempotency_scope", (short)job.IdempotencyScope));
        p.Add(Time("idempotency_until", job.IdempotencyUntil));
        p.Add(Text("limit_key", job.LimitKey));
        p.Add(new NpgsqlParameter<bool>("replace", job.ReplaceOnConflict));
    }

    // ------------------------------------------------------------------ fetch and attempts

    public async Task<IReadOnlyList<StoredJob>> FetchAsync(NpgsqlConnection connection, FetchRequest request, CancellationToken cancellationToken)
    {
        // In autocommit a lease is committed without waiting for the disk (a caller's transaction keeps its own
        // setting). A server crash can then forget a lease from its last moments, which only makes the job ready
        // again: at-least-once already allows that, and the later durable completion flushes the lease with it.
        // Enqueues and outcomes always wait for the disk.
        await using var batch = new NpgsqlBatch(connection);
        if (_autocommit)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.CommitWithoutWaitingForDisk));
        }

        // The queue's pause lock, shared, in a statement before the fetch's own: the fetch statement's snapshot then
        // sees every pause that returned before it (PostgresSql.PausedQueueLock). Held until the batch commits.
        var lockQueue = new NpgsqlBatchCommand(PostgresSql.LockQueueForFetch);
        lockQueue.Parameters.Add(new NpgsqlParameter<long>("pause_lock", Sql.PausedQueueLock(request.Queue)));
        batch.BatchCommands.Add(lockQueue);

        var fetch = new NpgsqlBatchCommand(Sql.Fetch);
        fetch.Parameters.Add(Text("queue", request.Queue));
        fetch.Parameters.Add(new NpgsqlParameter<int>("limit", request.Limit));
        fetch.Parameters.Add(Time("now", request.Now));
        fetch.Parameters.Add(Uuid("lease_token", request.LeaseToken));
        fetch.Parameters.Add(Time("lease_expires_at", request.LeaseExpiresAt));
        fetch.Parameters.Add(Text("worker_id", request.WorkerId));
        batch.BatchCommands.Add(fetch);
        var leased = new List<(StoredJob Job, long Sequence)>(request.Limit);
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (_autocommit)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            StoredJob job = JobReader.Read(reader, out long sequence);
            leased.Add((job, sequence));
        }

        // RETURNING has no order of its own: restore fetch order.
        return [.. leased.OrderByDescending(l => l.Job.Priority).ThenBy(l => l.Job.RunAt).ThenBy(l => l.Sequence).Select(l => l.Job)];
    }

    public async Task<IReadOnlyList<bool>> ExtendLeasesAsync(NpgsqlConnection connection, IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.ExtendLeases, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. leases.Select(l => l.Id.Value)]));
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("tokens", [.. leases.Select(l => l.LeaseToken)]));
        command.Parameters.Add(TimeArray("expires_at", leases.Select(l => l.ExpiresAt)));
        return Answers(leases.Count, await ReadOrdinalsAsync(command, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<bool>> ReportProgressAsync(NpgsqlConnection connection, IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.ReportProgress, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. reports.Select(r => r.Id.Value)]));
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("tokens", [.. reports.Select(r => r.LeaseToken)]));
        command.Parameters.Add(new NpgsqlParameter<double[]>("percents", [.. reports.Select(r => r.Progress.Percent)]));
        command.Parameters.Add(new NpgsqlParameter("messages", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = reports.Select(r => (object?)r.Progress.Message ?? DBNull.Value).ToArray(),
        });
        return Answers(reports.Count, await ReadOrdinalsAsync(command, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<bool>> RescheduleAsync(NpgsqlConnection connection, IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.Reschedule, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. reschedules.Select(r => r.Id.Value)]));
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("tokens", [.. reschedules.Select(r => r.LeaseToken)]));
        command.Parameters.Add(TimeArray("run_ats", reschedules.Select(r => r.RunAt)));
        command.Parameters.Add(TimeArray("nows", reschedules.Select(r => r.Now)));
        return Answers(reschedules.Count, await ReadOrdinalsAsync(command, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<bool>> CompleteAsync(NpgsqlConnection connection, IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken) =>
        await OneByOneFallback.WriteAsync(completions, (Commands: this, Connection: connection, Token: cancellationToken),
            static async (call, items) => Answers(items.Count, await call.Commands.CompleteManyAsync(call.Connection, items, call.Token).ConfigureAwait(false)),
            static async (call, completion) => (await call.Commands.CompleteManyAsync(call.Connection, [completion], call.Token).ConfigureAwait(false)).Count > 0,
            // One statement locks the batch rows of all its children in no set order, so two calls can deadlock on two
            // batch rows; the server then aborts one, which writes nothing. In autocommit its items are then written one
            // by one, each in its own transaction; in a caller's transaction nothing more can be written.
            static (call, ex) => ex is PostgresException && call.Commands._autocommit).ConfigureAwait(false);

    public Task<IReadOnlyList<bool>> FailAsync(NpgsqlConnection connection, IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken) =>
        ExecuteEachAsync(connection, Sql.Fail, failures, static (parameters, failure) =>
        {
            parameters.Add(Uuid("id", failure.Id.Value));
            parameters.Add(Uuid("lease_token", failure.LeaseToken));
            parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Jsonb) { Value = JobReader.ErrorJson(failure.Error) });
            parameters.Add(Time("retry_at", failure.RetryAt));
            parameters.Add(Time("now", failure.Now));
        }, cancellationToken);

    // ------------------------------------------------------------------ maintenance

    public async Task<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(NpgsqlConnection connection, RescueRequest request, CancellationToken cancellationToken)
    {
        HashSet<Guid> candidates;
        await using (var list = new NpgsqlCommand(Sql.ExpiredLeases, connection))
        {
            list.Parameters.Add(Time("now", request.Now));
            list.Parameters.Add(new NpgsqlParameter<int>("limit", request.Limit));
            candidates = await ReadIdsAsync(list, cancellationToken).ConfigureAwait(false);
        }

        var rescued = new List<JobId>(candidates.Count);
        foreach (Guid id in candidates)
        {
            // Another host may rescue the same job at the same time: the statement re-checks, one of them wins.
            await using var command = new NpgsqlCommand(Sql.RescueOne, connection);
            command.Parameters.Add(Uuid("id", id));
            command.Parameters.Add(Time("now", request.Now));
            command.Parameters.Add(Text("error_type", request.ErrorType));
            command.Parameters.Add(Text("error_message", request.ErrorMessage));
            if (await ScalarLongAsync(command, cancellationToken).ConfigureAwait(false) > 0)
            {
                rescued.Add(new JobId(id));
            }
        }

        return rescued;
    }

    public async Task<int> PromoteDueJobsAsync(NpgsqlConnection connection, PromoteRequest request, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.Promote, connection);
        command.Parameters.Add(Time("now", request.Now));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", request.Limit));
        return (int)await ScalarLongAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CancelOutcome>> CancelAsync(NpgsqlConnection connection, CancelRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<JobId> ids = request.Ids;
        var outcomes = new CancelOutcome[ids.Count];
        for (int i = 0; i < ids.Count; i++)
        {
            await using var command = new NpgsqlCommand(Sql.CancelOne, connection);
            command.Parameters.Add(Uuid("id", ids[i].Value));
            command.Parameters.Add(Time("now", request.Now));
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            outcomes[i] = !reader.IsDBNull(0)
                ? reader.GetInt16(0) == (short)JobState.Running ? CancelOutcome.CancelledWhileRunning : CancelOutcome.Cancelled
                : reader.IsDBNull(1) ? CancelOutcome.NotFound : CancelOutcome.AlreadyFinished;
        }

        return outcomes;
    }

    public async Task<int> PruneAsync(NpgsqlConnection connection, PruneRequest request, CancellationToken cancellationToken)
    {
        int deleted;
        await using (var jobs = new NpgsqlCommand(Sql.PruneJobs, connection))
        {
            jobs.Parameters.Add(Time("before", request.FinishedBefore));
            jobs.Parameters.Add(new NpgsqlParameter<int>("limit", request.Limit));
            deleted = (int)await ScalarLongAsync(jobs, cancellationToken).ConfigureAwait(false);
        }

        // A separate short statement: batches are few next to jobs, and are never locked together with them here.
        await using var batches = new NpgsqlCommand(Sql.PruneBatches, connection);
        batches.Parameters.Add(Time("before", request.FinishedBefore));
        batches.Parameters.Add(new NpgsqlParameter<int>("limit", request.Limit));
        await batches.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    // ------------------------------------------------------------------ reads

    public async Task<IReadOnlyList<StoredJob?>> GetJobsAsync(NpgsqlConnection connection, IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.GetJobs, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids.Select(i => i.Value)]));
        Dictionary<Guid, StoredJob> found = (await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false)).ToDictionary(j => j.Id.Value);
        return [.. ids.Select(i => found.GetValueOrDefault(i.Value))];
    }

    public async Task<StoredBatch?> GetBatchAsync(NpgsqlConnection connection, BatchId id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.GetBatch, connection);
        command.Parameters.Add(Uuid("id", id.Value));
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? JobReader.ReadBatch(reader) : null;
    }

    public async Task<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var statistics = new QueueStatisticsBuilder();
        await using var command = new NpgsqlCommand(Sql.QueueStatistics, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            statistics.Add(reader.GetString(0), reader.GetInt16(1), reader.GetInt64(2));
        }

        return statistics.Build();
    }

    public async Task<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var ready = new List<ReadyQueue>();
        await using var command = new NpgsqlCommand(Sql.ReadyQueues, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ready.Add(new ReadyQueue
            {
                Queue = reader.GetString(0),
                Count = reader.GetInt64(1),
                OldestRunAt = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc)),
            });
        }

        return ready;
    }

    /// <summary>
    /// Whether the job is in a final state, or gone: a state that is none (a damaged row) is shown as Failed, so it
    /// is final here too, since nothing will finish it.
    /// </summary>
    public async Task<bool> IsFinishedOrGoneAsync(NpgsqlConnection connection, JobId id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.ReadJobState, connection);
        command.Parameters.Add(Uuid("id", id.Value));
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is not short state || state is (short)JobState.Succeeded or (short)JobState.Failed or (short)JobState.Cancelled or < 0 or > 6;
    }

    // ------------------------------------------------------------------ plumbing

    /// <summary>Completes every item in one statement (one round trip, one commit); returns the 1-based ordinals applied.</summary>
    private async Task<HashSet<long>> CompleteManyAsync(NpgsqlConnection connection, IReadOnlyList<JobCompletion> completions,
        CancellationToken cancellationToken)
    {
        int count = completions.Count;
        var ids = new Guid[count];
        var tokens = new Guid[count];
        var results = new byte[]?[count];
        var nows = new DateTime[count];
        for (int i = 0; i < count; i++)
        {
            JobCompletion completion = completions[i];
            ids[i] = completion.Id.Value;
            tokens[i] = completion.LeaseToken;
            results[i] = completion.Result;
            nows[i] = JobReader.Utc(completion.Now);
        }

        await using var command = new NpgsqlCommand(Sql.CompleteMany, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", ids));
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("tokens", tokens));
        command.Parameters.Add(new NpgsqlParameter<byte[]?[]>("results", results) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("nows", nows) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        return await ReadOrdinalsAsync(command, cancellationToken).ConfigureAwait(false);
    }


    /// <summary>
    /// Runs <paramref name="sql"/> once per item; each run answers whether it changed its job (first column of its
    /// row). In autocommit the runs go out as one batch: one round trip and one commit, which is what makes
    /// coalesced completions cheap. Each statement locks at most one batch row, but a batch holds its locks until
    /// it commits, so two batches may deadlock on two batch rows; the server then aborts one, which, like any error,
    /// rolls the whole batch back, and its items are run again one by one, each in its own transaction.
    /// </summary>
    private async Task<IReadOnlyList<bool>> ExecuteEachAsync<TItem>(NpgsqlConnection connection, string sql, IReadOnlyList<TItem> items,
        Action<NpgsqlParameterCollection, TItem> bind, CancellationToken cancellationToken) =>
        await OneByOneFallback.WriteAsync<EachRun<TItem>, TItem, bool>(items, new EachRun<TItem>(connection, sql, bind, cancellationToken),
            // Only in autocommit: in a caller's transaction, an error aborts the transaction and nothing could run again.
            _autocommit ? RunAsBatchAsync : null,
            RunAloneAsync,
            // Nothing of the batch was kept: its items are run one by one, so each gets its own outcome or error.
            static (_, ex) => ex is PostgresException).ConfigureAwait(false);

    /// <summary>What <see cref="ExecuteEachAsync"/> runs for each item.</summary>
    private readonly record struct EachRun<TItem>(NpgsqlConnection Connection, string Sql, Action<NpgsqlParameterCollection, TItem> Bind,
        CancellationToken Token);

    private static async ValueTask<IReadOnlyList<bool>> RunAsBatchAsync<TItem>(EachRun<TItem> run, IReadOnlyList<TItem> items)
    {
        await using var batch = new NpgsqlBatch(run.Connection);
        foreach (TItem item in items)
        {
            var command = new NpgsqlBatchCommand(run.Sql);
            run.Bind(command.Parameters, item);
            batch.BatchCommands.Add(command);
        }

        var results = new bool[items.Count];
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(run.Token).ConfigureAwait(false);
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                await reader.NextResultAsync(run.Token).ConfigureAwait(false);
            }

            await reader.ReadAsync(run.Token).ConfigureAwait(false);
            results[i] = reader.GetInt64(0) > 0;
        }

        return results;
    }

    private static async ValueTask<bool> RunAloneAsync<TItem>(EachRun<TItem> run, TItem item)
    {
        await using var command = new NpgsqlCommand(run.Sql, run.Connection);
        run.Bind(command.Parameters, item);
        return await ScalarLongAsync(command, run.Token).ConfigureAwait(false) > 0;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> ScalarLongAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<HashSet<Guid>> ReadIdsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private static async Task<HashSet<long>> ReadOrdinalsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ordinals = new HashSet<long>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ordinals.Add(reader.GetInt64(0));
        }

        return ordinals;
    }

    /// <summary>Per item, whether its 1-based ordinal (unnest WITH ORDINALITY) came back.</summary>
    private static bool[] Answers(int count, HashSet<long> applied) =>
        [.. Enumerable.Range(1, count).Select(ordinal => applied.Contains(ordinal))];

    private static async Task<List<StoredJob>> ReadJobsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<StoredJob>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(JobReader.Read(reader, out _));
        }

        return jobs;
    }

    private static NpgsqlParameter Uuid(string name, Guid? value) =>
        new(name, NpgsqlDbType.Uuid) { Value = value is { } v ? v : DBNull.Value };

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? JobReader.Utc(v) : DBNull.Value };

    private static NpgsqlParameter TimeArray(string name, IEnumerable<DateTimeOffset> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = values.Select(JobReader.Utc).ToArray() };

    private static InvalidOperationException MissingParentBatch(BatchId id) => new(
        $"Batch {id} does not exist or has finished: a batch can be nested only in an unfinished one (NewBatch.ParentBatchId). Nothing was written.");

    private static InvalidOperationException MissingBatch(BatchId id) => new(
        $"Batch {id} does not exist or has finished: a job can join only a batch created in the same request, or an unfinished one (a running child adding to its own batch). Nothing was written.");
}
