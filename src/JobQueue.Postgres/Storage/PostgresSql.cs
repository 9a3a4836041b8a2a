namespace JobQueue.Postgres.Storage;

/// <summary>
/// Every statement of the store, built once for one schema. Identifiers (the schema and the notification
/// channel) are spliced in after validation; every value is a parameter.
/// </summary>
/// <remarks>
/// <para>Job states are the <see cref="JobState"/> numbers: 0 Scheduled, 1 Enqueued, 2 Running, 3 Succeeded,
/// 4 Failed, 5 Cancelled, 6 Awaiting. Batch states: 0 Running, 1 Succeeded, 2 Failed.</para>
/// <para>Each state change of one job, with its batch accounting and callback release, is ONE statement: a
/// statement is atomic on its own, and in READ COMMITTED an UPDATE that waits for a row lock re-reads the newest
/// committed row before applying its SET. That is what makes <c>succeeded = succeeded + 1</c> on the batch row
/// exact under any number of concurrent children, and the RETURNING of that UPDATE tells exactly one of them
/// that it finished the batch.</para>
/// <para>Notifications (pg_notify) are sent inside the same statement, so they are delivered at commit and
/// never for a change that rolled back. Payloads: "w:&lt;queue&gt;" (work may be ready), "f:&lt;job id&gt;[,&lt;job id&gt;...]" (jobs finished; one
/// notification carries many ids, because every listening host receives every notification), "c:&lt;job id&gt;[,...]"
/// (jobs started, progressed, or made due again after a failed attempt or a reschedule; see PostgresSql.Changes).</para>
/// </remarks>
internal sealed partial class PostgresSql
{
    /// <summary>Columns read into a <see cref="Storage.JobReader"/>, in its order, from a jobs row aliased <c>j</c>.</summary>
    private const string JobColumns =
        "j.id, j.name, j.queue, j.state, j.priority, j.arguments, j.attempt, j.max_attempts, j.timeout_ticks, " +
        "j.retry_delay_ticks, j.run_at, j.enqueued_at, j.started_at, j.finished_at, j.result, j.errors::text, " +
        "j.progress_percent, j.progress_message, j.idempotency_key, j.batch_id, j.trace_parent, j.lease_token, " +
        "j.lease_expires_at, j.worker_id, j.seq, j.limit_key";

    private const string ClearLease = "lease_token = NULL, lease_expires_at = NULL, worker_id = NULL";

    /// <summary>
    /// "Running", for statements that find their jobs by id from an array: written so that it does not match the
    /// partial index jobs_running_idx. A prepared statement's generic plan guesses that few jobs run and would scan
    /// that index for every call, through the dead entries every finished lease leaves in it (many thousands during
    /// a drain), instead of one primary-key lookup per item.
    /// </summary>
    private const string IsRunning = "j.state + 0 = 2";

    /// <summary>Job ids per finish notification: 37 bytes each with its comma, under the 8000-byte payload limit.</summary>
    public const int FinishIdsPerNotification = 200;

    public PostgresSql(string schema)
    {
        string s = schema;
        Schema = schema;
        Channel = schema + "_events";
        string notify = $"pg_notify('{Channel}', ";

        // ---------------------------------------------------------------- enqueue

        // One job with an idempotency key or a batch. With a key it runs after LockIdempotencyKeys, in the same
        // transaction: no other enqueue of the key runs between the holder lookup and the insert (or replace).
        EnqueueOne = $"""
            WITH batch AS (
                -- A child added by a running child: its batch must exist and not be finished. The row lock orders
                -- this insert with the completions of the batch's other children, so none can finish it in between.
                SELECT id FROM {s}.batches WHERE id = @batch_id AND finished_at IS NULL FOR UPDATE
            ), holder AS (
                -- The newest job with the key that still holds it. FOR UPDATE: a holder that a fetch leases in the
                -- meantime is re-checked on its newest row (and no longer holds under WhileQueued).
                SELECT h.id, h.state FROM {s}.jobs h
                WHERE @idempotency_key IS NOT NULL AND h.idempotency_key = @idempotency_key AND {Holds("h")}
                ORDER BY h.seq DESC LIMIT 1
                FOR UPDATE
            ), replaced AS (
                -- A debounce: a holder that has not started takes the new arguments and run time.
                UPDATE {s}.jobs j
                SET arguments = @arguments, run_at = @run_at, state = CASE WHEN @run_at > @now THEN 0 ELSE 1 END
                FROM holder h
                WHERE @replace AND j.id = h.id AND j.state IN (0, 1) AND (@batch_id IS NULL OR EXISTS (SELECT 1 FROM batch))
                RETURNING j.id, j.queue, j.state
            ), ins AS (
                INSERT INTO {s}.jobs (id, name, queue, state, priority, arguments, max_attempts, timeout_ticks,
                                      retry_delay_ticks, run_at, enqueued_at, idempotency_key, idempotency_scope,
                                      idempotency_until, limit_key, batch_id, trace_parent)
                SELECT @id, @name, @queue, CASE WHEN @run_at > @now THEN 0 ELSE 1 END, @priority, @arguments,
                       @max_attempts, @timeout_ticks, @retry_delay_ticks, @run_at, @now, @idempotency_key, @idempotency_scope,
                       @idempotency_until, @limit_key, @batch_id, @trace_parent
                WHERE (@batch_id IS NULL OR EXISTS (SELECT 1 FROM batch)) AND NOT EXISTS (SELECT 1 FROM holder)
                RETURNING id, queue, state, batch_id
            ), counted AS (
                UPDATE {s}.batches b SET total = b.total + 1 FROM ins WHERE b.id = ins.batch_id RETURNING b.id
            )
            SELECT (SELECT id FROM ins),
                   (SELECT id FROM holder),
                   @batch_id IS NULL OR EXISTS (SELECT 1 FROM batch),
                   (SELECT count(*) FROM replaced),
                   (SELECT count(*) FROM counted) + (SELECT count({notify}'w:' || queue)) FROM ins WHERE state = 1)
                     + (SELECT count({notify}'w:' || queue)) FROM replaced WHERE state = 1)
            """;

        // Takes the advisory lock of each idempotency key of a request (@key_locks: IdempotencyKeyLock values,
        // distinct and sorted), in ascending order, so two requests with common keys never wait on each other in a cycle.
        LockIdempotencyKeys = "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT k FROM unnest(@key_locks) AS k ORDER BY k) l";

        // The holders of a request's keys, after LockIdempotencyKeys; locked like EnqueueOne's.
        Holders = $"""
            SELECT u.key, h.id, h.state
            FROM unnest(@keys) AS u(key)
            CROSS JOIN LATERAL (
                SELECT h.id, h.state FROM {s}.jobs h
                WHERE h.idempotency_key = u.key AND {Holds("h")}
                ORDER BY h.seq DESC LIMIT 1
                FOR UPDATE
            ) h
            """;

        // Holders that had not started take new arguments and run times (ReplaceOnConflict), re-checked on the newest row.
        ReplaceHolders = $"""
            WITH replaced AS (
                UPDATE {s}.jobs j
                SET arguments = u.arguments, run_at = u.run_at, state = CASE WHEN u.run_at > @now THEN 0 ELSE 1 END
                FROM unnest(@ids, @arguments, @run_ats) AS u(id, arguments, run_at)
                WHERE j.id = u.id AND j.state IN (0, 1)
                RETURNING j.queue, j.state
            )
            SELECT count(*), (SELECT count({notify}'w:' || queue)) FROM (SELECT DISTINCT queue FROM replaced WHERE state = 1) q)
            FROM replaced
            """;

        // The common enqueue (no idempotency key, no batch): one statement for any number of jobs, so a lone job
        // and a coalesced group each cost one round trip and one commit. Arrays are bound in binary, one per column.
        EnqueuePlain = $"""
            WITH ins AS (
                INSERT INTO {s}.jobs (id, name, queue, state, priority, arguments, max_attempts, timeout_ticks,
                                      retry_delay_ticks, run_at, enqueued_at, trace_parent, limit_key)
                SELECT u.id, u.name, u.queue, CASE WHEN u.run_at > @now THEN 0 ELSE 1 END, u.priority, u.arguments,
                       u.max_attempts, u.timeout_ticks, u.retry_delay_ticks, u.run_at, @now, u.trace_parent, u.limit_key
                FROM unnest(@ids, @names, @queues, @priorities, @arguments, @max_attempts, @timeout_ticks,
                            @retry_delay_ticks, @run_ats, @trace_parents, @limit_keys)
                     WITH ORDINALITY AS u(id, name, queue, priority, arguments, max_attempts, timeout_ticks,
                                          retry_delay_ticks, run_at, trace_parent, limit_key, ordinal)
                -- seq (the enqueue order) follows the request order.
                ORDER BY u.ordinal
                RETURNING queue, state
            )
            -- One wake-up per queue, not per job.
            SELECT count({notify}'w:' || queue)) FROM (SELECT DISTINCT queue FROM ins WHERE state = 1) q
            """;

        // One plain job, the awaited enqueue: a one-row VALUES insert (no arrays to unnest and sort), with positional
        // parameters, so Npgsql sends the text as it is instead of rewriting named ones on every call.
        // $1 id, $2 name, $3 queue, $4 priority, $5 arguments, $6 max_attempts, $7 timeout_ticks, $8 retry_delay_ticks,
        // $9 trace_parent, $10 run_at, $11 now, $12 limit_key.
        EnqueuePlainOne = $"""
            WITH ins AS (
                INSERT INTO {s}.jobs (id, name, queue, state, priority, arguments, max_attempts, timeout_ticks,
                                      retry_delay_ticks, run_at, enqueued_at, trace_parent, limit_key)
                VALUES ($1, $2, $3, CASE WHEN $10 > $11 THEN 0 ELSE 1 END, $4, $5, $6, $7, $8, $10, $11, $9, $12)
                RETURNING queue, state
            )
            SELECT count({notify}'w:' || queue)) FROM ins WHERE state = 1
            """;

        CopyJobs = $"COPY {s}.jobs (id, name, queue, state, priority, arguments, max_attempts, timeout_ticks, " +
            "retry_delay_ticks, run_at, enqueued_at, trace_parent, limit_key) FROM STDIN (FORMAT BINARY)";

        WakeQueues = $"SELECT count({notify}'w:' || q)) FROM unnest(@queues) AS q";

        // ON COMMIT DROP: the table lives for this transaction only (the caller's, for a transactional enqueue),
        // and never outlives it on a pooled connection.
        CreateStaging = """
            DROP TABLE IF EXISTS pg_temp.jobqueue_staging;
            CREATE TEMP TABLE jobqueue_staging (
                ordinal integer NOT NULL, id uuid NOT NULL, name text NOT NULL, queue text NOT NULL, priority integer NOT NULL,
                arguments bytea NOT NULL, max_attempts integer NOT NULL, timeout_ticks bigint NOT NULL,
                retry_delay_ticks bigint NOT NULL, run_at timestamptz NOT NULL, idempotency_key text, batch_id uuid,
                is_callback boolean NOT NULL, trace_parent text, idempotency_scope smallint NOT NULL,
                idempotency_until timestamptz, limit_key text
            ) ON COMMIT DROP
            """;

        CopyStaging = "COPY pg_temp.jobqueue_staging (ordinal, id, name, queue, priority, arguments, max_attempts, " +
            "timeout_ticks, retry_delay_ticks, run_at, idempotency_key, batch_id, is_callback, trace_parent, idempotency_scope, " +
            "idempotency_until, limit_key) FROM STDIN (FORMAT BINARY)";

        InsertBatch = $"""
            INSERT INTO {s}.batches (id, created_at, success_job_id, failure_job_id, failure_policy, parent_batch_id)
            VALUES (@batch_id, @now, @success_job_id, @failure_job_id, @failure_policy, @parent_batch_id)
            """;

        // A nested batch is one child of its parent, which must exist and not be finished: locked, so no completion of
        // the parent's other children can finish it in between.
        JoinParentBatch = $"""
            WITH parent AS (
                SELECT id FROM {s}.batches WHERE id = @parent_batch_id AND finished_at IS NULL FOR UPDATE
            ), counted AS (
                UPDATE {s}.batches b SET total = b.total + 1 FROM parent WHERE b.id = parent.id RETURNING b.id
            )
            SELECT count(*) FROM counted
            """;

        LockExistingBatches = $"""
            -- Batches that children join but this request does not create must exist and not be finished; they
            -- are locked in id order
            -- (so two requests never wait on each other in a cycle) until the transaction ends.
            WITH wanted AS (
                SELECT DISTINCT batch_id FROM pg_temp.jobqueue_staging
                WHERE batch_id IS NOT NULL AND NOT is_callback AND batch_id IS DISTINCT FROM @batch_id
            ), locked AS (
                SELECT b.id FROM {s}.batches b
                WHERE b.id IN (SELECT batch_id FROM wanted) AND b.finished_at IS NULL
                ORDER BY b.id FOR UPDATE
            )
            SELECT (SELECT count(*) FROM wanted), (SELECT count(*) FROM locked)
            """;

        // The staging table holds only the jobs to write: the enqueue decided the idempotency keys before (under
        // their locks), so every row goes in.
        InsertStaged = $"""
            WITH ins AS (
                INSERT INTO {s}.jobs (id, name, queue, state, priority, arguments, max_attempts, timeout_ticks,
                                      retry_delay_ticks, run_at, enqueued_at, idempotency_key, idempotency_scope,
                                      idempotency_until, limit_key, batch_id, is_callback, trace_parent)
                SELECT id, name, queue, CASE WHEN is_callback THEN 6 WHEN run_at > @now THEN 0 ELSE 1 END, priority,
                       arguments, max_attempts, timeout_ticks, retry_delay_ticks, run_at, @now, idempotency_key,
                       idempotency_scope, idempotency_until, limit_key, batch_id, is_callback, trace_parent
                FROM pg_temp.jobqueue_staging
                -- Rows are inserted in request order: seq (the enqueue order) follows it.
                ORDER BY ordinal
                RETURNING id, queue, state, batch_id, is_callback
            ), counted AS (
                UPDATE {s}.batches b SET total = b.total + c.n
                FROM (SELECT batch_id, count(*) AS n FROM ins WHERE batch_id IS NOT NULL AND NOT is_callback GROUP BY batch_id) c
                WHERE b.id = c.batch_id
                RETURNING b.id
            ), woken AS (
                SELECT {notify}'w:' || queue) FROM (SELECT DISTINCT queue FROM ins WHERE state = 1) q
            )
            SELECT (SELECT count(*) FROM counted) + (SELECT count(*) FROM woken)
            """;

        // A new batch none of whose children was written (all held by idempotency keys) has nothing to wait for:
        // it succeeds at once, in the enqueue's transaction.
        FinishEmptyBatch = $"""
            WITH b AS (
                UPDATE {s}.batches SET state = 1, finished_at = @now
                WHERE id = @batch_id AND total = 0
                RETURNING success_job_id, failure_job_id
            ), released AS (
                UPDATE {s}.jobs j SET state = 1, run_at = @now FROM b WHERE j.id = b.success_job_id AND j.state = 6 RETURNING j.queue
            ), dropped AS (
                UPDATE {s}.jobs j SET state = 5, finished_at = @now FROM b WHERE j.id = b.failure_job_id AND j.state = 6 RETURNING j.id
            )
            SELECT (SELECT count({notify}'w:' || queue)) FROM released) + (SELECT count({notify}'f:' || id)) FROM dropped)
            """;

        // ---------------------------------------------------------------- fetch

        // Applies to the current transaction only (is_local = true).
        CommitWithoutWaitingForDisk = "SELECT set_config('synchronous_commit', 'off', true)";

        Fetch = $"""
            WITH picked AS (
                -- SKIP LOCKED: concurrent fetches take disjoint rows instead of queueing on the same ones. The
                -- partial index jobs_fetch_idx holds only Enqueued rows, in exactly this order.
                SELECT c.id FROM {s}.jobs c
                -- run_at <= now: the request's clock may lag the promotion's (a fetch delayed on a busy machine
                -- after its now was taken); a job due after that now is left for the next fetch, so no job starts
                -- before its run time.
                WHERE c.state = 1 AND c.queue = @queue AND c.run_at <= @now
                    -- A paused queue leases nothing. The statement runs after the fetch took the queue's pause lock
                    -- (PausedQueueLock), so its snapshot sees every pause that returned before it.
                    AND NOT EXISTS (SELECT 1 FROM {s}.paused_queues WHERE queue = @queue)
                    AND {NotHeld(s, "c")}
                ORDER BY c.priority DESC, c.run_at, c.seq
                LIMIT @limit
                FOR UPDATE SKIP LOCKED
            ), fetched AS (
                UPDATE {s}.jobs j
                SET state = 2, attempt = j.attempt + 1, started_at = @now,
                    lease_token = @lease_token, lease_expires_at = @lease_expires_at, worker_id = @worker_id
                FROM picked
                WHERE j.id = picked.id
                RETURNING j.*
            ), changed AS (
                {ChangeNotifications(notify, "fetched")}
            )
            -- An uncorrelated scalar subquery runs once, with the first row (with none, nothing started to notify).
            SELECT {JobColumns} FROM fetched j WHERE (SELECT count(*) FROM changed) >= 0
            """;

        // ---------------------------------------------------------------- attempts

        ExtendLeases = $"""
            UPDATE {s}.jobs j SET lease_expires_at = u.expires_at
            -- Items answer by position: one id can appear twice in a call, with a stale and a current token.
            FROM unnest(@ids, @tokens, @expires_at) WITH ORDINALITY AS u(id, token, expires_at, ordinal)
            WHERE j.id = u.id AND {IsRunning} AND j.lease_token = u.token
            RETURNING u.ordinal
            """;

        ReportProgress = $"""
            WITH done AS (
                UPDATE {s}.jobs j SET progress_percent = u.percent, progress_message = u.message
                FROM unnest(@ids, @tokens, @percents, @messages) WITH ORDINALITY AS u(id, token, percent, message, ordinal)
                WHERE j.id = u.id AND {IsRunning} AND j.lease_token = u.token
                RETURNING u.ordinal, j.id
            ), changed AS (
                {ChangeNotifications(notify, "done")}
            )
            SELECT ordinal, (SELECT count(*) FROM changed) FROM done
            """;

        Reschedule = $"""
            WITH done AS (
                UPDATE {s}.jobs j
                -- Giving the lease back does not spend the attempt.
                SET state = CASE WHEN u.run_at > u.now THEN 0 ELSE 1 END, run_at = u.run_at, attempt = j.attempt - 1, {ClearLease}
                FROM unnest(@ids, @tokens, @run_ats, @nows) WITH ORDINALITY AS u(id, token, run_at, now, ordinal)
                WHERE j.id = u.id AND {IsRunning} AND j.lease_token = u.token
                RETURNING u.ordinal, j.id, j.queue, j.state
            ), changed AS (
                {ChangeNotifications(notify, "done")}
            )
            SELECT ordinal, (SELECT count({notify}'w:' || queue)) FROM (SELECT DISTINCT queue FROM done WHERE state = 1) q)
                + (SELECT count(*) FROM changed)
            FROM done
            """;

        // Every completion of a call in one statement. Children of one batch are counted together (an UPDATE ... FROM
        // changes a batch row once, however many joined rows match it), so the batch accounting is per batch row,
        // not per child: the update that brings succeeded to total is the one that decides the batch.
        CompleteMany = $"""
            WITH ended AS (
                UPDATE {s}.jobs j
                SET state = 3, result = u.result, finished_at = u.now, {ClearLease}
                -- Items answer by position: one id can appear twice in a call, with a stale and a current token.
                FROM unnest(@ids, @tokens, @results, @nows) WITH ORDINALITY AS u(id, token, result, now, ordinal)
                WHERE j.id = u.id AND {IsRunning} AND j.lease_token = u.token
                RETURNING u.ordinal, j.id, j.queue, j.batch_id, j.is_callback, u.now
            ), counted AS (
                UPDATE {s}.batches b
                SET succeeded = b.succeeded + c.n,
                    -- State 0 means no child failed, so reaching the total is success.
                    state = CASE WHEN b.state = 0 AND b.succeeded + c.n = b.total THEN 1 ELSE b.state END,
                    finished_at = CASE WHEN b.succeeded + c.n + b.failed >= b.total THEN c.now ELSE b.finished_at END,
                    changed_at = c.now
                FROM (SELECT batch_id, count(*)::integer AS n, max(now) AS now FROM ended
                      WHERE batch_id IS NOT NULL AND NOT is_callback GROUP BY batch_id) c
                WHERE b.id = c.batch_id
                -- RETURNING shows the row after this update: true for exactly the update that finished the batch.
                RETURNING b.success_job_id AS release_id, b.failure_job_id AS drop_id,
                          b.state = 1 AND b.succeeded = b.total AS decided, c.now
            ){Callbacks(s, "c.now")}{CountSucceededAttempts(s)}, finished AS (
                SELECT id FROM ended UNION ALL SELECT id FROM dropped
            ), woken AS (
                -- One finish notification per {FinishIdsPerNotification} jobs (a payload stays under the 8000-byte limit),
                -- not one per job: every listening host receives each one.
                SELECT {notify}'f:' || string_agg(id::text, ',')) FROM (
                    SELECT id, (row_number() OVER () - 1) / {FinishIdsPerNotification} AS chunk FROM finished) f
                GROUP BY chunk
                UNION ALL
                SELECT {notify}'w:' || queue) FROM (SELECT DISTINCT queue FROM released) q
            )
            -- An uncorrelated scalar subquery runs once, with the first row (with none, nothing finished to notify).
            SELECT ordinal, (SELECT count(*) FROM woken) FROM ended
            """;

        Fail = $"""
            WITH ended AS (
                UPDATE {s}.jobs
                SET errors = errors || @error,
                    -- No retry time: failed for good. A retry time not after now: due at once.
                    state = CASE WHEN @retry_at IS NULL THEN 4 WHEN @retry_at > @now THEN 0 ELSE 1 END,
                    run_at = COALESCE(@retry_at, run_at),
                    finished_at = CASE WHEN @retry_at IS NULL THEN @now END,
                    {ClearLease}
                WHERE id = @id AND state = 2 AND lease_token = @lease_token
                RETURNING id, queue, state, batch_id, is_callback
            ){FailureAccounting(s)}{CountFailedAttempts(s)}
            SELECT (SELECT count(*) FROM ended), {Notifications(notify)}
            """;

        // ---------------------------------------------------------------- maintenance

        ExpiredLeases = $"""
            SELECT id FROM {s}.jobs WHERE state = 2 AND lease_expires_at <= @now ORDER BY lease_expires_at LIMIT @limit
            """;

        // One job per statement: its batch row is the only other row it locks, so rescuers on many hosts never
        // deadlock on batch rows taken in different orders.
        RescueOne = $"""
            WITH ended AS (
                UPDATE {s}.jobs
                SET errors = errors || jsonb_build_array(jsonb_build_object(
                        'type', @error_type, 'message', @error_message, 'attempt', attempt, 'at', @now)),
                    state = CASE WHEN attempt < max_attempts THEN 1 ELSE 4 END,
                    run_at = CASE WHEN attempt < max_attempts THEN @now ELSE run_at END,
                    finished_at = CASE WHEN attempt < max_attempts THEN NULL ELSE @now END,
                    {ClearLease}
                -- Re-checked here: the lease may have been extended, or the job finished, since it was listed.
                WHERE id = @id AND state = 2 AND lease_expires_at <= @now
                RETURNING id, queue, state, batch_id, is_callback
            ){FailureAccounting(s)}{CountFailedAttempts(s)}
            SELECT (SELECT count(*) FROM ended), {Notifications(notify)}
            """;

        Promote = $"""
            WITH due AS (
                SELECT id FROM {s}.jobs WHERE state = 0 AND run_at <= @now ORDER BY run_at LIMIT @limit FOR UPDATE SKIP LOCKED
            ), promoted AS (
                UPDATE {s}.jobs j SET state = 1 FROM due WHERE j.id = due.id RETURNING j.queue
            )
            SELECT (SELECT count(*) FROM promoted),
                   (SELECT count({notify}'w:' || queue)) FROM (SELECT DISTINCT queue FROM promoted) q)
            """;

        CancelOne = $"""
            WITH target AS (
                -- FOR UPDATE reads the newest committed state, which decides the outcome.
                SELECT id, state FROM {s}.jobs WHERE id = @id FOR UPDATE
            ), ended AS (
                UPDATE {s}.jobs j SET state = 5, finished_at = @now, {ClearLease}
                FROM target t
                WHERE j.id = t.id AND t.state IN (0, 1, 2, 6)
                RETURNING j.id, j.queue, j.state, j.batch_id, j.is_callback, t.state AS previous
            ){FailureAccounting(s)}
            SELECT (SELECT previous FROM ended), (SELECT state FROM target), {Notifications(notify)}
            """;

        PruneJobs = $"""
            WITH doomed AS (
                -- Bounded and SKIP LOCKED: each call is a short transaction that never waits on another pruner.
                SELECT id FROM {s}.jobs
                WHERE state IN (3, 4, 5) AND finished_at < @before
                ORDER BY finished_at
                LIMIT @limit
                FOR UPDATE SKIP LOCKED
            ), deleted AS (
                DELETE FROM {s}.jobs j USING doomed WHERE j.id = doomed.id RETURNING 1
            )
            SELECT count(*) FROM deleted
            """;

        PruneBatches = $"""
            WITH doomed AS (
                SELECT id FROM {s}.batches WHERE finished_at < @before ORDER BY finished_at LIMIT @limit FOR UPDATE SKIP LOCKED
            )
            DELETE FROM {s}.batches b USING doomed WHERE b.id = doomed.id
            """;

        // ---------------------------------------------------------------- reads

        GetJobs = $"SELECT {JobColumns} FROM {s}.jobs j WHERE j.id = ANY(@ids)";

        GetBatch = $"""
            SELECT id, state, total, succeeded, failed, success_job_id, failure_job_id, created_at, finished_at,
                   failure_policy, parent_batch_id
            FROM {s}.batches WHERE id = @id
            """;

        QueueStatistics = $"SELECT queue, state, count(*) FROM {s}.jobs GROUP BY queue, state ORDER BY queue";

        // The partial fetch index holds exactly the ready jobs, so this never reads the history.
        ReadyQueues = $"SELECT queue, count(*), min(run_at) FROM {s}.jobs WHERE state = 1 GROUP BY queue ORDER BY queue";

        ReadJobState = $"SELECT state FROM {s}.jobs WHERE id = @id";

        Admin = new PostgresAdminSql(s, notify);
    }

    /// <summary>The schema, validated.</summary>
    public string Schema { get; }

    /// <summary>The LISTEN/NOTIFY channel of this schema.</summary>
    public string Channel { get; }

    public string EnqueueOne { get; }

    public string EnqueuePlain { get; }

    public string EnqueuePlainOne { get; }

    public string CopyJobs { get; }

    public string WakeQueues { get; }

    public string CreateStaging { get; }

    public string CopyStaging { get; }

    public string InsertBatch { get; }

    public string JoinParentBatch { get; }

    public string LockExistingBatches { get; }

    public string InsertStaged { get; }

    public string FinishEmptyBatch { get; }

    public string LockIdempotencyKeys { get; }

    public string Holders { get; }

    public string ReplaceHolders { get; }

    public string Fetch { get; }

    public string ExtendLeases { get; }

    public string CommitWithoutWaitingForDisk { get; }

    public string ReportProgress { get; }

    public string Reschedule { get; }

    public string CompleteMany { get; }

    public string Fail { get; }

    public string ExpiredLeases { get; }

    public string RescueOne { get; }

    public string Promote { get; }

    public string CancelOne { get; }

    public string PruneJobs { get; }

    public string PruneBatches { get; }

    public string GetJobs { get; }

    public string GetBatch { get; }

    public string QueueStatistics { get; }

    public string ReadyQueues { get; }

    public string ReadJobState { get; }

    /// <summary>
    /// Whether the job row <paramref name="j"/> still holds its idempotency key at @now, by its own scope (see
    /// NewJob.IdempotencyScope): 0 UntilSucceeded, 1 WhileQueued, 2 WhileQueuedOrRunning, 3 ForPeriod.
    /// </summary>
    internal static string Holds(string j) =>
        $"CASE {j}.idempotency_scope WHEN 1 THEN {j}.state IN (0, 1, 6) WHEN 2 THEN {j}.state IN (0, 1, 2, 6) " +
        $"WHEN 3 THEN coalesce({j}.idempotency_until > @now, false) ELSE {j}.state NOT IN (4, 5) END";

    /// <summary>
    /// No live hold (until after @now) on the job's name or key scope. The first, uncorrelated test is evaluated once
    /// per statement (an InitPlan: the latest end, one step down holds_until_idx): with no live hold anywhere, as
    /// usual, the per-row lookup never runs.
    /// </summary>
    internal static string NotHeld(string s, string j) => $"""
        (NOT coalesce((SELECT max(held_until) FROM {s}.holds) > @now, false)
                         OR NOT EXISTS (SELECT 1 FROM {s}.holds hd WHERE hd.held_until > @now
                                        AND hd.scope IN ('name:' || {j}.name, 'key:' || {j}.limit_key)))
        """;

    /// <summary>
    /// The batch accounting of a child that failed for good or was cancelled (rows of <c>ended</c> in state 4 or
    /// 5): counts it, and the batch's first failure marks it Failed, releases its failure callback and cancels its
    /// success callback.
    /// </summary>
    private static string FailureAccounting(string s) => $"""
        , counted AS (
            UPDATE {s}.batches b
            SET failed = b.failed + 1,
                state = CASE WHEN b.state = 0 THEN 2 ELSE b.state END,
                finished_at = CASE WHEN b.succeeded + b.failed + 1 >= b.total THEN @now ELSE b.finished_at END,
                -- The time the trigger jobqueue_batch_flow (migration 6) cancels a FailFast batch's children at.
                changed_at = @now
            FROM ended e
            WHERE b.id = e.batch_id AND e.state IN (4, 5) AND NOT e.is_callback
            RETURNING b.failure_job_id AS release_id, b.success_job_id AS drop_id, b.failed = 1 AS decided
        ){Callbacks(s, "@now")}
        """;

    /// <param name="s">The schema.</param>
    /// <param name="now">The time the callbacks are released or dropped at: a parameter, or a column of <c>counted</c>.</param>
    private static string Callbacks(string s, string now) => $"""
        , released AS (
            -- state = 6 is re-checked on the newest row: a callback the user cancelled meanwhile stays cancelled.
            UPDATE {s}.jobs j SET state = 1, run_at = {now}
            FROM counted c WHERE c.decided AND j.id = c.release_id AND j.state = 6
            RETURNING j.queue
        ), dropped AS (
            UPDATE {s}.jobs j SET state = 5, finished_at = {now}
            FROM counted c WHERE c.decided AND j.id = c.drop_id AND j.state = 6
            RETURNING j.id
        )
        """;

    /// <summary>Scalar subqueries, so they always run: finished jobs, jobs due again, released and dropped callbacks.</summary>
    private static string Notifications(string notify) => $"""
        (SELECT count({notify}'f:' || id)) FROM ended WHERE state IN (3, 4, 5))
          + (SELECT count({notify}'w:' || queue)) FROM ended WHERE state = 1)
          + (SELECT count({notify}'w:' || queue)) FROM released)
          + (SELECT count({notify}'f:' || id)) FROM dropped)
          + (SELECT count({notify}'c:' || id)) FROM ended WHERE state IN (0, 1))
        """;
}
