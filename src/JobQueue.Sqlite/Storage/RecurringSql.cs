namespace JobQueue.Sqlite.Storage;

/// <summary>
/// Every statement on recurring jobs, in one place (jobs and batches are in <see cref="JobSql"/>). Times are ticks since
/// the Unix epoch (<see cref="SqliteTime"/>); see the migration of version 3 for the table.
/// </summary>
internal static class RecurringSql
{
    /// <summary>The columns <see cref="SqliteJobReader.ReadRecurring"/> reads, in its ordinal order.</summary>
    public const string Columns = """
        id, name, cron, time_zone, arguments, queue, priority, misfire, max_catch_up, overlap, paused, next_run_at, version,
        last_run_at, last_job_id, last_skipped_at, declared_at, created_at, updated_at
        """;

    public const string SelectAll = $"SELECT {Columns} FROM jobqueue_recurring ORDER BY id;";

    public const string SelectOne = $"SELECT {Columns} FROM jobqueue_recurring WHERE id = $id;";

    /// <summary>One page of due schedules by id; the partial index finds the due ones, the page is sorted by id.</summary>
    public const string SelectDue = $"""
        SELECT {Columns} FROM jobqueue_recurring
        WHERE paused = 0 AND next_run_at <= $now AND ($after IS NULL OR id > $after)
        ORDER BY id LIMIT $limit;
        """;

    public const string NextDue = "SELECT MIN(next_run_at) FROM jobqueue_recurring WHERE paused = 0 AND next_run_at > $now;";

    /// <summary>What an upsert compares with the new definition.</summary>
    public const string SelectDefinition = """
        SELECT name, cron, time_zone, arguments, queue, priority, misfire, max_catch_up, overlap
        FROM jobqueue_recurring WHERE id = $id;
        """;

    public const string Insert = """
        INSERT INTO jobqueue_recurring (id, name, cron, time_zone, arguments, queue, priority, misfire, max_catch_up, overlap,
            paused, next_run_at, version, declared_at, created_at, updated_at)
        VALUES ($id, $name, $cron, $time_zone, $arguments, $queue, $priority, $misfire, $max_catch_up, $overlap,
            0, $next_run_at, 1, $declared_at, $now, $now);
        """;

    /// <summary>A changed definition: a new cron or time zone also restarts the schedule at the given next run time.</summary>
    public const string Update = """
        UPDATE jobqueue_recurring
        SET next_run_at = CASE WHEN cron <> $cron OR time_zone <> $time_zone THEN $next_run_at ELSE next_run_at END,
            name = $name, cron = $cron, time_zone = $time_zone, arguments = $arguments, queue = $queue, priority = $priority,
            misfire = $misfire, max_catch_up = $max_catch_up, overlap = $overlap,
            version = version + 1, updated_at = $now, declared_at = $declared_at
        WHERE id = $id;
        """;

    public const string SetDeclared = "UPDATE jobqueue_recurring SET declared_at = $declared_at WHERE id = $id;";

    public const string Delete = "DELETE FROM jobqueue_recurring WHERE id = $id;";

    /// <summary>Only a change of state counts: pausing a paused schedule changes nothing, not even its version.</summary>
    public const string SetPaused = """
        UPDATE jobqueue_recurring
        SET paused = $paused, version = version + 1, updated_at = $now,
            next_run_at = CASE WHEN $paused = 0 THEN $next_run_at ELSE next_run_at END
        WHERE id = $id AND paused <> $paused;
        """;

    public const string Exists = "SELECT count(*) FROM jobqueue_recurring WHERE id = $id;";

    /// <summary>
    /// The claim's condition, read inside the write transaction (BEGIN IMMEDIATE holds the write lock, so nothing changes
    /// between this read and the claim's writes); and whether the last job is unfinished (Scheduled 0, Enqueued 1, Running 2
    /// or Awaiting 6: a state that is none counts as finished, as the job reader shows it).
    /// </summary>
    public const string SelectForClaim = """
        SELECT CASE WHEN j.state IN (0, 1, 2, 6) THEN 1 ELSE 0 END
        FROM jobqueue_recurring r LEFT JOIN jobqueue_jobs j ON j.id = r.last_job_id
        WHERE r.id = $id AND r.version = $version AND r.next_run_at = $expected AND r.paused = 0;
        """;

    public const string Advance = """
        UPDATE jobqueue_recurring
        SET next_run_at = $next_run_at,
            last_run_at = COALESCE($last_run_at, last_run_at),
            last_job_id = COALESCE($last_job_id, last_job_id),
            last_skipped_at = COALESCE($skipped_at, last_skipped_at)
        WHERE id = $id;
        """;

    public const string SetLastJob = "UPDATE jobqueue_recurring SET last_run_at = $last_run_at, last_job_id = $last_job_id WHERE id = $id;";

    /// <summary>Only schedules declared in code: one managed at run time has no declaration to renew.</summary>
    public const string Declare = "UPDATE jobqueue_recurring SET declared_at = $now WHERE id = $id AND declared_at IS NOT NULL;";

    public const string Prune = """
        DELETE FROM jobqueue_recurring
        WHERE id IN (SELECT id FROM jobqueue_recurring WHERE declared_at IS NOT NULL AND declared_at < $declared_before ORDER BY declared_at LIMIT $limit)
        RETURNING id;
        """;
}
