namespace JobQueue.Postgres.Storage;

/// <summary>
/// Every statement on recurring jobs for one schema. Ids sort with COLLATE "C", byte order, as every store sorts them
/// (ordinal), whatever the database's collation.
/// </summary>
internal sealed class PostgresRecurringSql
{
    /// <summary>The columns PostgresJobCommands.ReadRecurring reads, in its ordinal order.</summary>
    private const string Columns =
        "id, name, cron, time_zone, arguments, queue, priority, misfire, max_catch_up, overlap, paused, next_run_at, version, " +
        "last_run_at, last_job_id, last_skipped_at, declared_at, created_at, updated_at";

    public PostgresRecurringSql(string schema)
    {
        string t = schema + ".recurring_jobs";
        SelectAll = $"SELECT {Columns} FROM {t} ORDER BY id COLLATE \"C\"";
        SelectOne = $"SELECT {Columns} FROM {t} WHERE id = @id";
        SelectDue = $"""
            SELECT {Columns} FROM {t}
            WHERE NOT paused AND next_run_at <= @now AND (@after::text IS NULL OR id COLLATE "C" > @after::text)
            ORDER BY id COLLATE "C" LIMIT @limit
            """;
        NextDue = $"SELECT min(next_run_at) FROM {t} WHERE NOT paused AND next_run_at > @now";

        // Locked so that a concurrent upsert of the same id waits and compares with what this one wrote.
        SelectDefinition = $"""
            SELECT name, cron, time_zone, arguments, queue, priority, misfire, max_catch_up, overlap
            FROM {t} WHERE id = @id FOR UPDATE
            """;

        // Two hosts declaring a new schedule at once both find no row: the second insert does nothing and looks again.
        Insert = $"""
            INSERT INTO {t} (id, name, cron, time_zone, arguments, queue, priority, misfire, max_catch_up, overlap,
                             next_run_at, declared_at, created_at, updated_at)
            VALUES (@id, @name, @cron, @time_zone, @arguments, @queue, @priority, @misfire, @max_catch_up, @overlap,
                    @next_run_at, @declared_at, @now, @now)
            ON CONFLICT (id) DO NOTHING
            """;

        // A new cron or time zone restarts the schedule at the given next run time; other changes keep it.
        Update = $"""
            UPDATE {t}
            SET next_run_at = CASE WHEN cron <> @cron OR time_zone <> @time_zone THEN @next_run_at ELSE next_run_at END,
                name = @name, cron = @cron, time_zone = @time_zone, arguments = @arguments, queue = @queue, priority = @priority,
                misfire = @misfire, max_catch_up = @max_catch_up, overlap = @overlap,
                version = version + 1, updated_at = @now, declared_at = @declared_at
            WHERE id = @id
            """;
        SetDeclared = $"UPDATE {t} SET declared_at = @declared_at WHERE id = @id";
        Delete = $"DELETE FROM {t} WHERE id = @id";

        // Only a change of state counts; the SELECT reads the snapshot before the update, so it says whether the row exists.
        SetPaused = $"""
            WITH changed AS (
                UPDATE {t}
                SET paused = @paused, version = version + 1, updated_at = @now,
                    next_run_at = CASE WHEN @paused THEN next_run_at ELSE @next_run_at END
                WHERE id = @id AND paused <> @paused
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM {t} WHERE id = @id)
            """;

        // The claim's condition, with the schedule's row locked for the rest of the transaction: a concurrent claim of the
        // same occurrences waits here, then reads the row its rival committed, whose next run time no longer matches, and
        // finds nothing. Also whether the last job is unfinished (Scheduled 0, Enqueued 1, Running 2, Awaiting 6).
        SelectForClaim = $"""
            SELECT COALESCE(j.state IN (0, 1, 2, 6), false)
            FROM {t} r LEFT JOIN {schema}.jobs j ON j.id = r.last_job_id
            WHERE r.id = @id AND r.version = @version AND r.next_run_at = @expected AND NOT r.paused
            FOR UPDATE OF r
            """;
        Advance = $"""
            UPDATE {t}
            SET next_run_at = @next_run_at,
                last_run_at = COALESCE(@last_run_at, last_run_at),
                last_job_id = COALESCE(@last_job_id, last_job_id),
                last_skipped_at = COALESCE(@skipped_at, last_skipped_at)
            WHERE id = @id
            """;
        LockForTrigger = $"SELECT 1 FROM {t} WHERE id = @id FOR UPDATE";
        SetLastJob = $"UPDATE {t} SET last_run_at = @last_run_at, last_job_id = @last_job_id WHERE id = @id";

        // Only schedules declared in code: one managed at run time has no declaration to renew.
        Declare = $"""
            UPDATE {t} r SET declared_at = @now
            FROM unnest(@ids::text[]) WITH ORDINALITY AS u(id, ordinal)
            WHERE r.id = u.id AND r.declared_at IS NOT NULL
            RETURNING u.ordinal
            """;

        // SKIP LOCKED: hosts pruning at once take different rows instead of waiting on each other.
        Prune = $"""
            DELETE FROM {t} WHERE id IN (
                SELECT id FROM {t} WHERE declared_at IS NOT NULL AND declared_at < @declared_before
                ORDER BY declared_at LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING id
            """;
    }

    public string SelectAll { get; }

    public string SelectOne { get; }

    public string SelectDue { get; }

    public string NextDue { get; }

    public string SelectDefinition { get; }

    public string Insert { get; }

    public string Update { get; }

    public string SetDeclared { get; }

    public string Delete { get; }

    public string SetPaused { get; }

    public string SelectForClaim { get; }

    public string Advance { get; }

    public string LockForTrigger { get; }

    public string SetLastJob { get; }

    public string Declare { get; }

    public string Prune { get; }
}
