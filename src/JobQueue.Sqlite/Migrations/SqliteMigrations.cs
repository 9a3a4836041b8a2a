using System.Text;

namespace JobQueue.Sqlite.Migrations;

/// <summary>
/// Every schema version, oldest first. Released migrations never change; a schema change is a new entry.
/// State values are JobState (Scheduled 0, Enqueued 1, Running 2, Succeeded 3, Failed 4, Cancelled 5, Awaiting 6)
/// and BatchState (Running 0, Succeeded 1, Failed 2). Times are ticks since the Unix epoch (see SqliteTime).
/// </summary>
internal static partial class SqliteMigrations
{
    public const string VersionTableSql = """
        CREATE TABLE IF NOT EXISTS jobqueue_schema_version (
            version    INTEGER PRIMARY KEY,
            applied_at INTEGER NOT NULL -- Unix seconds, for people reading the table
        );
        """;

    public const string CurrentVersionSql = "SELECT COALESCE(MAX(version), 0) FROM jobqueue_schema_version;";

    public const string RecordVersionSql = "INSERT INTO jobqueue_schema_version (version, applied_at) VALUES ($version, unixepoch());";

    public static IReadOnlyList<SqliteMigration> All { get; } =
    [
        new(1, "jobs and batches", """
            CREATE TABLE jobqueue_jobs (
                -- The rowid: enqueue order, the last ordering key of a fetch. Ids are version-7 Guids made by
                -- clients on different machines, so they cannot order reliably on their own.
                seq               INTEGER PRIMARY KEY,
                id                TEXT    NOT NULL UNIQUE,
                name              TEXT    NOT NULL,
                queue             TEXT    NOT NULL,
                state             INTEGER NOT NULL CHECK (state BETWEEN 0 AND 6),
                priority          INTEGER NOT NULL,
                arguments         BLOB    NOT NULL,
                attempt           INTEGER NOT NULL DEFAULT 0,
                max_attempts      INTEGER NOT NULL,
                timeout_ticks     INTEGER NOT NULL,
                retry_delay_ticks INTEGER NOT NULL,
                run_at            INTEGER NOT NULL,
                enqueued_at       INTEGER NOT NULL,
                started_at        INTEGER,
                finished_at       INTEGER,
                result            BLOB,
                errors            TEXT    NOT NULL DEFAULT '[]', -- JSON array, one object per failed attempt
                progress_percent  REAL,
                progress_message  TEXT,
                idempotency_key   TEXT,
                batch_id          TEXT,
                -- 1 for a batch's success or failure callback: it belongs to the batch but is not counted in it.
                is_batch_callback INTEGER NOT NULL DEFAULT 0,
                trace_parent      TEXT,
                lease_token       TEXT,
                lease_expires_at  INTEGER,
                worker_id         TEXT
            );

            -- Fetch reads only ready jobs, in fetch order; partial, so millions of finished rows cost nothing.
            CREATE INDEX jobqueue_jobs_ready ON jobqueue_jobs (queue, priority DESC, run_at, seq) WHERE state = 1;
            -- Promotion of due scheduled jobs.
            CREATE INDEX jobqueue_jobs_scheduled ON jobqueue_jobs (run_at) WHERE state = 0;
            -- Rescue of expired leases.
            CREATE INDEX jobqueue_jobs_leased ON jobqueue_jobs (lease_expires_at) WHERE state = 2;
            -- Pruning by age of finished jobs.
            CREATE INDEX jobqueue_jobs_finished ON jobqueue_jobs (finished_at) WHERE state IN (3, 4, 5);
            -- A live key (job neither Failed nor Cancelled) is held by one job at most; enforced, not only checked.
            CREATE UNIQUE INDEX jobqueue_jobs_idempotency ON jobqueue_jobs (idempotency_key)
                WHERE idempotency_key IS NOT NULL AND state NOT IN (4, 5);
            CREATE INDEX jobqueue_jobs_batch ON jobqueue_jobs (batch_id) WHERE batch_id IS NOT NULL;
            -- Statistics and dashboard filters; covering for the per-queue, per-state counts.
            CREATE INDEX jobqueue_jobs_queue_state ON jobqueue_jobs (queue, state);

            CREATE TABLE jobqueue_batches (
                id             TEXT    PRIMARY KEY,
                state          INTEGER NOT NULL CHECK (state BETWEEN 0 AND 2),
                total          INTEGER NOT NULL DEFAULT 0,
                succeeded      INTEGER NOT NULL DEFAULT 0,
                failed         INTEGER NOT NULL DEFAULT 0,
                success_job_id TEXT,
                failure_job_id TEXT,
                created_at     INTEGER NOT NULL,
                finished_at    INTEGER -- set when the last pending child finishes
            );

            CREATE INDEX jobqueue_batches_finished ON jobqueue_batches (finished_at) WHERE finished_at IS NOT NULL;
            """),
        new(2, "fewer index entries per enqueued job", """
            -- An Enqueued job was in jobqueue_jobs_queue_state as well as in jobqueue_jobs_ready. The ready index
            -- already lists Enqueued jobs by queue first, so statistics count them there (a covering scan), and
            -- this index keeps only the other states: an enqueued job writes one index entry fewer.
            DROP INDEX jobqueue_jobs_queue_state;
            CREATE INDEX jobqueue_jobs_queue_state ON jobqueue_jobs (queue, state) WHERE state <> 1;

            -- Every index entry ends with the rowid (seq) anyway, so the ready index is still in fetch order
            -- (queue, priority DESC, run_at, seq) without storing seq a second time in each entry.
            DROP INDEX jobqueue_jobs_ready;
            CREATE INDEX jobqueue_jobs_ready ON jobqueue_jobs (queue, priority DESC, run_at) WHERE state = 1;
            """),
        new(3, "recurring jobs", RecurringJobsSql),
        new(SqliteQueuesMigration.Version, SqliteQueuesMigration.Description, SqliteQueuesMigration.Sql),
        new(5, "job listing indexes and throughput counts", """
            -- Listing jobs newest first (IJobAdmin.QueryJobsAsync) by state, name or queue reads only the page: each
            -- index ends with the rowid (seq), so equal keys come in enqueue order. The state index leaves out
            -- Enqueued (1) rows, which jobqueue_jobs_ready holds, so the fetch path writes no entry more for them.
            CREATE INDEX IF NOT EXISTS jobqueue_jobs_state ON jobqueue_jobs (state) WHERE state <> 1;
            CREATE INDEX IF NOT EXISTS jobqueue_jobs_name ON jobqueue_jobs (name);
            CREATE INDEX IF NOT EXISTS jobqueue_jobs_queue ON jobqueue_jobs (queue);

            -- Attempts that ended per minute (ticks of its start since the Unix epoch) and queue, written in the
            -- transaction that records each outcome; pruned after 24 hours.
            CREATE TABLE IF NOT EXISTS jobqueue_throughput (
                minute    INTEGER NOT NULL,
                queue     TEXT    NOT NULL,
                succeeded INTEGER NOT NULL DEFAULT 0,
                failed    INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (minute, queue)
            );
            """),
        new(6, "job logs", JobLogsSql),
        new(7, "flow control, idempotency scopes and nested batches", FlowSql),
    ];

    /// <summary>The SQL of every migration after <paramref name="fromVersion"/>, each followed by its version record.</summary>
    public static string BuildScript(int fromVersion)
    {
        var script = new StringBuilder();
        script.AppendLine("-- JobQueue SQLite schema: run in one transaction (BEGIN IMMEDIATE; ... COMMIT;).");
        script.AppendLine(VersionTableSql);
        foreach (SqliteMigration migration in All)
        {
            if (migration.Version <= fromVersion)
            {
                continue;
            }

            script.AppendLine($"-- Version {migration.Version}: {migration.Description}");
            script.AppendLine(migration.Sql);
            script.AppendLine(RecordVersionSql.Replace("$version", migration.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        return script.ToString();
    }
}
