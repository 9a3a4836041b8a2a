namespace JobQueue.Sqlite.Storage;

/// <summary>
/// Every statement on jobs and batches, in one place. States are literals, not parameters, so that SQLite can
/// match the partial indexes (WHERE state = 1 ...); see SqliteMigrations for their values.
/// Every write that ends or extends an attempt is guarded by "state = 2 AND lease_token = $token": a stale
/// worker's write matches no row and changes nothing.
/// </summary>
internal static class JobSql
{
    /// <summary>The columns StoredJobReader reads, in its ordinal order.</summary>
    public const string JobColumns = """
        id, name, queue, state, priority, arguments, attempt, max_attempts, timeout_ticks, retry_delay_ticks,
        run_at, enqueued_at, started_at, finished_at, result, errors, progress_percent, progress_message,
        idempotency_key, batch_id, trace_parent, lease_token, lease_expires_at, worker_id, seq, limit_key
        """;

    public const string InsertBatch = """
        INSERT INTO jobqueue_batches (id, state, total, succeeded, failed, success_job_id, failure_job_id, created_at,
            failure_policy, parent_batch_id)
        VALUES ($id, 0, 0, 0, 0, $success_job_id, $failure_job_id, $now, $failure_policy, $parent_batch_id);
        """;

    /// <summary>The columns a job insert writes, in the order of its values; the others keep their defaults.</summary>
    private const string InsertJobColumns = """
        INTO jobqueue_jobs (id, name, queue, state, priority, arguments, max_attempts, timeout_ticks,
            retry_delay_ticks, run_at, enqueued_at, idempotency_key, batch_id, is_batch_callback, trace_parent,
            limit_key, idempotency_scope, idempotency_until)
        """;

    /// <summary>The number of values <see cref="InsertJobColumns"/> takes per row.</summary>
    public const int InsertJobValueCount = 18;

    public const string InsertJob = "INSERT " + InsertJobColumns + """
        VALUES ($id, $name, $queue, $state, $priority, $arguments, $max_attempts, $timeout_ticks,
            $retry_delay_ticks, $run_at, $now, $idempotency_key, $batch_id, $is_batch_callback, $trace_parent,
            $limit_key, $idempotency_scope, $idempotency_until);
        """;

    /// <summary>
    /// Inserts <paramref name="rows"/> jobs in one statement, with numbered parameters: row r's value of column c
    /// (both from 0, columns as in <see cref="InsertJobColumns"/>) is parameter r * 18 + c + 1. Every value is a
    /// parameter; only the number of rows is written into the SQL.
    /// </summary>
    /// <remarks>
    /// OR FAIL, not the default OR ABORT: to undo its own rows on a constraint error, an ABORT statement of many
    /// rows copies every page it changes to a statement journal first, a cost on every page of every bulk insert.
    /// A FAIL statement leaves its earlier rows in place instead, which is only safe because the store's own write
    /// transaction is rolled back as a whole on any error (<see cref="SqliteWriteConnection.Write{T}"/>); an
    /// application's transaction, which may go on after an error, uses <see cref="InsertJob"/>.
    /// </remarks>
    public static string InsertJobs(int rows)
    {
        var sql = new System.Text.StringBuilder("INSERT OR FAIL ").Append(InsertJobColumns).Append("VALUES ");
        for (int row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (int column = 0; column < InsertJobValueCount; column++)
            {
                sql.Append(column == 0 ? "?" : ", ?").Append((row * InsertJobValueCount) + column + 1);
            }

            sql.Append(')');
        }

        return sql.Append(';').ToString();
    }

    /// <summary>
    /// The holder of a key: the newest job with it that still holds it by its own idempotency_scope (UntilSucceeded 0,
    /// and any value that is none: neither Failed 4 nor Cancelled 5; WhileQueued 1: Scheduled 0, Enqueued 1 or
    /// Awaiting 6; WhileQueuedOrRunning 2: those or Running 2; ForPeriod 3: idempotency_until after now). Walks
    /// jobqueue_jobs_idempotency backwards, newest first. Rows written before version 7 read scope 0.
    /// </summary>
    public const string FindIdempotencyHolder = """
        SELECT id, state FROM jobqueue_jobs
        WHERE idempotency_key = $key
            AND CASE idempotency_scope
                WHEN 1 THEN state IN (0, 1, 6)
                WHEN 2 THEN state IN (0, 1, 2, 6)
                WHEN 3 THEN coalesce(idempotency_until > $now, 0)
                ELSE state NOT IN (4, 5)
            END
        ORDER BY seq DESC
        LIMIT 1;
        """;

    /// <summary>
    /// A debounce: the holder takes the new job's arguments and run time, and its state is computed again against now
    /// (Scheduled 0 if the run time is later, else Enqueued 1). Only a holder that has not started (Scheduled or Enqueued).
    /// </summary>
    public const string ReplaceHolder = """
        UPDATE jobqueue_jobs
        SET arguments = $arguments, run_at = $run_at, state = CASE WHEN $run_at > $now THEN 0 ELSE 1 END
        WHERE id = $id AND state IN (0, 1)
        RETURNING state, queue;
        """;

    /// <summary>
    /// Counts new children. Only while the batch has a pending child (finished_at IS NULL): once finished, its
    /// callbacks have been decided, so no row changed means the enqueue must fail.
    /// </summary>
    public const string AddBatchChildren = "UPDATE jobqueue_batches SET total = total + $count WHERE id = $id AND finished_at IS NULL;";

    public const string BatchExists = "SELECT count(*) FROM jobqueue_batches WHERE id = $id;";

    /// <summary>
    /// Leases ready jobs in fetch order. One statement inside BEGIN IMMEDIATE: no other writer can lease the same
    /// rows, and none can pause the queue between its check and its lease. RETURNING's row order is not defined, so
    /// the caller sorts the leased jobs again.
    /// </summary>
    public const string Fetch = $"""
        UPDATE jobqueue_jobs
        SET state = 2, attempt = attempt + 1, started_at = $now,
            lease_token = $lease_token, lease_expires_at = $lease_expires_at, worker_id = $worker_id
        WHERE seq IN (
            SELECT seq FROM jobqueue_jobs
            -- run_at <= now: the request's now may lag the promotion's (a worker held up on a busy machine after
            -- taking it); a job due after that now is left for a later fetch, so no job starts before its run time.
            WHERE state = 1 AND queue = $queue AND run_at <= $now
                -- A paused queue leases nothing (an uncorrelated subquery: one lookup per fetch, not per row).
                AND NOT EXISTS (SELECT 1 FROM jobqueue_paused_queues WHERE queue = $queue)
                -- A job whose name or limit key is held is skipped. The first term is uncorrelated, so SQLite runs it
                -- once per statement (one seek of jobqueue_holds_until), and while no hold is live the OR stops there:
                -- the per-row lookup of the job's scopes runs only when some hold is live.
                AND (NOT EXISTS (SELECT 1 FROM jobqueue_holds WHERE until > $now)
                    OR NOT EXISTS (SELECT 1 FROM jobqueue_holds
                        WHERE scope IN ('name:' || name, 'key:' || limit_key) AND until > $now))
            ORDER BY priority DESC, run_at, seq
            LIMIT $limit)
        RETURNING {JobColumns};
        """;

    public const string ExtendLease = """
        UPDATE jobqueue_jobs SET lease_expires_at = $expires_at
        WHERE id = $id AND state = 2 AND lease_token = $lease_token;
        """;

    public const string ReportProgress = """
        UPDATE jobqueue_jobs SET progress_percent = $percent, progress_message = $message
        WHERE id = $id AND state = 2 AND lease_token = $lease_token;
        """;

    public const string Complete = """
        UPDATE jobqueue_jobs
        SET state = 3, result = $result, finished_at = $now,
            lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
        WHERE id = $id AND state = 2 AND lease_token = $lease_token
        RETURNING queue, batch_id, is_batch_callback;
        """;

    /// <summary>
    /// The errors column to append to: itself, or an empty array in place of a damaged value (not JSON, or not an
    /// array), on which json_insert would fail the whole statement, and with it every job of the call, or every
    /// expired lease of a rescue, again on each try. What it held could not be read anyway (the job reader says so).
    /// </summary>
    /// <remarks>CASE tries its WHEN terms in order, so json_type only sees valid JSON (it raises an error on any other).</remarks>
    private const string ErrorsToAppendTo = "CASE WHEN NOT json_valid(errors) THEN '[]' WHEN json_type(errors) <> 'array' THEN '[]' ELSE errors END";

    /// <summary>
    /// Records the attempt's error (json_insert appends at '$[#]', the array's end; "attempt" is the row's value
    /// before the update) and either schedules the retry (Scheduled 0 if later than now, else Enqueued 1) or
    /// fails the job for good (4) when there is no retry time.
    /// </summary>
    public const string Fail = $$"""
        UPDATE jobqueue_jobs
        SET state = CASE WHEN $retry_at IS NULL THEN 4 WHEN $retry_at > $now THEN 0 ELSE 1 END,
            run_at = COALESCE($retry_at, run_at),
            finished_at = CASE WHEN $retry_at IS NULL THEN $now END,
            errors = json_insert({{ErrorsToAppendTo}}, '$[#]', json_object(
                'type', $error_type, 'message', $error_message, 'stackTrace', $error_stack_trace,
                'attempt', attempt, 'at', $now)),
            lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
        WHERE id = $id AND state = 2 AND lease_token = $lease_token
        RETURNING state, queue, batch_id, is_batch_callback;
        """;

    /// <summary>
    /// Fails for good, by its rowid, a job the fetch in the same transaction just leased but whose id does not read:
    /// no later call could name it to complete, fail or cancel it. Guarded by the fetch's lease like every write
    /// that ends an attempt.
    /// </summary>
    public const string FailUnnamed = $$"""
        UPDATE jobqueue_jobs
        SET state = 4, finished_at = $now,
            errors = json_insert({{ErrorsToAppendTo}}, '$[#]', json_object(
                'type', $error_type, 'message', $error_message, 'stackTrace', NULL,
                'attempt', attempt, 'at', $now)),
            lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
        WHERE seq = $seq AND state = 2 AND lease_token = $lease_token
        RETURNING state, queue, batch_id, is_batch_callback;
        """;

    /// <summary>Gives the attempt back (attempt - 1) and makes the job due at $run_at.</summary>
    public const string Reschedule = """
        UPDATE jobqueue_jobs
        SET state = CASE WHEN $run_at > $now THEN 0 ELSE 1 END, run_at = $run_at, attempt = attempt - 1,
            lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
        WHERE id = $id AND state = 2 AND lease_token = $lease_token
        RETURNING state, queue;
        """;

    /// <summary>
    /// Rescues expired leases in one statement: the lost attempt's error is recorded, then the job is ready again
    /// (due now) while attempts remain, or Failed for good. Oldest expiry first, bounded by $limit.
    /// </summary>
    public const string RescueExpired = $$"""
        UPDATE jobqueue_jobs
        SET state = CASE WHEN attempt < max_attempts THEN 1 ELSE 4 END,
            run_at = CASE WHEN attempt < max_attempts THEN $now ELSE run_at END,
            finished_at = CASE WHEN attempt < max_attempts THEN NULL ELSE $now END,
            errors = json_insert({{ErrorsToAppendTo}}, '$[#]', json_object(
                'type', $error_type, 'message', $error_message, 'stackTrace', NULL,
                'attempt', attempt, 'at', $now)),
            lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
        WHERE seq IN (
            SELECT seq FROM jobqueue_jobs
            WHERE state = 2 AND lease_expires_at <= $now
            ORDER BY lease_expires_at
            LIMIT $limit)
        RETURNING id, state, queue, batch_id, is_batch_callback;
        """;

    public const string PromoteDue = """
        UPDATE jobqueue_jobs SET state = 1
        WHERE seq IN (
            SELECT seq FROM jobqueue_jobs
            WHERE state = 0 AND run_at <= $now
            ORDER BY run_at
            LIMIT $limit)
        RETURNING queue;
        """;

    public const string SelectStateForCancel = "SELECT state, batch_id, is_batch_callback FROM jobqueue_jobs WHERE id = $id;";

    /// <summary>Cancels a job that has not finished (Scheduled, Enqueued, Running or Awaiting), voiding its lease.</summary>
    public const string Cancel = """
        UPDATE jobqueue_jobs
        SET state = 5, finished_at = $now, lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
        WHERE id = $id AND state IN (0, 1, 2, 6);
        """;

    /// <summary>
    /// Counts a child's success. SET expressions see the row before the update, so "succeeded + 1" is the new
    /// count; the batch succeeds only from Running (0) with no failure, and is finished when nothing is pending.
    /// </summary>
    public const string CountBatchSuccess = """
        UPDATE jobqueue_batches
        SET succeeded = succeeded + 1,
            state = CASE WHEN state = 0 AND failed = 0 AND succeeded + 1 = total THEN 1 ELSE state END,
            finished_at = CASE WHEN succeeded + 1 + failed = total THEN $now ELSE finished_at END
        WHERE id = $id
        RETURNING state, total, succeeded, failed, success_job_id, failure_job_id, failure_policy, parent_batch_id, counted_in_parent;
        """;

    /// <summary>Counts a child's failure; the first one turns a Running (0) batch Failed (2).</summary>
    public const string CountBatchFailure = """
        UPDATE jobqueue_batches
        SET failed = failed + 1,
            state = CASE WHEN state = 0 THEN 2 ELSE state END,
            finished_at = CASE WHEN succeeded + failed + 1 = total THEN $now ELSE finished_at END
        WHERE id = $id
        RETURNING state, total, succeeded, failed, success_job_id, failure_job_id, failure_policy, parent_batch_id, counted_in_parent;
        """;

    /// <summary>
    /// Fail-fast: cancels every child job of the batch that has not finished (Scheduled, Enqueued, Running: its lease
    /// voided, so a running attempt's writes are refused). Callbacks (is_batch_callback) and nested batches are not touched.
    /// </summary>
    public const string CancelUnfinishedChildren = """
        UPDATE jobqueue_jobs
        SET state = 5, finished_at = $now, lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
        WHERE batch_id = $id AND is_batch_callback = 0 AND state IN (0, 1, 2)
        RETURNING id;
        """;

    /// <summary>Counts the children a fail-fast cancelled as failures; the batch is Failed (2) already.</summary>
    public const string CountBatchFailures = """
        UPDATE jobqueue_batches
        SET failed = failed + $count,
            finished_at = CASE WHEN succeeded + failed + $count = total THEN $now ELSE finished_at END
        WHERE id = $id
        RETURNING state, total, succeeded, failed, success_job_id, failure_job_id, failure_policy, parent_batch_id, counted_in_parent;
        """;

    /// <summary>
    /// Counts a nested batch as one more child of its parent (at its creation), only while the parent has a pending child:
    /// no row changed means the parent does not exist or has finished, and the enqueue fails before writing anything.
    /// </summary>
    public const string AddNestedBatch = "UPDATE jobqueue_batches SET total = total + 1 WHERE id = $id AND finished_at IS NULL;";

    /// <summary>A batch created without children: every child (of none) succeeded, so it succeeds and finishes at once.</summary>
    public const string SucceedEmptyBatch = """
        UPDATE jobqueue_batches SET state = 1, finished_at = $now
        WHERE id = $id AND total = 0 AND state = 0
        RETURNING state, total, succeeded, failed, success_job_id, failure_job_id, failure_policy, parent_batch_id, counted_in_parent;
        """;

    /// <summary>Marks a finished nested batch as counted in its parent; one row changed only the first time.</summary>
    public const string MarkCountedInParent = "UPDATE jobqueue_batches SET counted_in_parent = 1 WHERE id = $id AND counted_in_parent = 0;";

    /// <summary>Releases a callback, due now. Only from Awaiting (6), so a callback is released at most once.</summary>
    public const string ReleaseCallback = """
        UPDATE jobqueue_jobs SET state = 1, run_at = $now
        WHERE id = $id AND state = 6
        RETURNING queue;
        """;

    /// <summary>Cancels the callback that will never be needed; only from Awaiting (6).</summary>
    public const string CancelCallback = """
        UPDATE jobqueue_jobs SET state = 5, finished_at = $now
        WHERE id = $id AND state = 6;
        """;

    public const string SelectJobById = $"SELECT {JobColumns} FROM jobqueue_jobs WHERE id = $id;";

    public const string SelectStateById = "SELECT state FROM jobqueue_jobs WHERE id = $id;";

    public const string SelectBatch = """
        SELECT id, state, total, succeeded, failed, success_job_id, failure_job_id, created_at, finished_at,
            failure_policy, parent_batch_id
        FROM jobqueue_batches WHERE id = $id;
        """;

    /// <summary>
    /// Counts per queue and state, each part a covering scan of a partial index: Enqueued (1) jobs in
    /// jobqueue_jobs_ready, every other state in jobqueue_jobs_queue_state. The WHERE terms repeat the indexes'
    /// own, so that SQLite can use them.
    /// </summary>
    public const string QueueStatistics = """
        SELECT queue, state, count(*) FROM jobqueue_jobs WHERE state <> 1 GROUP BY queue, state
        UNION ALL
        SELECT queue, 1, count(*) FROM jobqueue_jobs WHERE state = 1 GROUP BY queue
        ORDER BY 1;
        """;

    /// <summary>Ready jobs per queue and the earliest run time among them: a scan of the partial ready index alone.</summary>
    public const string ReadyQueues = """
        SELECT queue, count(*), min(run_at) FROM jobqueue_jobs WHERE state = 1 GROUP BY queue ORDER BY queue;
        """;

    /// <summary>Deletes the oldest finished jobs first, bounded by $limit so the write lock is held briefly.</summary>
    public const string PruneJobs = """
        DELETE FROM jobqueue_jobs
        WHERE seq IN (
            SELECT seq FROM jobqueue_jobs
            WHERE state IN (3, 4, 5) AND finished_at < $finished_before
            ORDER BY finished_at
            LIMIT $limit);
        """;

    public const string PruneBatches = """
        DELETE FROM jobqueue_batches
        WHERE id IN (
            SELECT id FROM jobqueue_batches
            WHERE finished_at < $finished_before
            ORDER BY finished_at
            LIMIT $limit);
        """;
}
