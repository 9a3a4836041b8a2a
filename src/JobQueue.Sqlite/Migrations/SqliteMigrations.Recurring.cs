namespace JobQueue.Sqlite.Migrations;

// Version 3: recurring jobs. Depends on version 1 only (it names no other table), so it applies on its own.
internal static partial class SqliteMigrations
{
    private const string RecurringJobsSql = """
        CREATE TABLE jobqueue_recurring (
            id              TEXT    PRIMARY KEY,
            name            TEXT    NOT NULL,
            cron            TEXT    NOT NULL, -- as given; the engine parses it (Cronos), the store never does
            time_zone       TEXT    NOT NULL,
            arguments       BLOB    NOT NULL,
            queue           TEXT,             -- NULL: the job type's queue
            priority        INTEGER,          -- NULL: the job type's priority
            misfire         INTEGER NOT NULL, -- MisfirePolicy: Skip 0, RunOnce 1, RunAll 2
            max_catch_up    INTEGER NOT NULL,
            overlap         INTEGER NOT NULL, -- OverlapPolicy: Allow 0, Skip 1
            paused          INTEGER NOT NULL DEFAULT 0,
            -- The next occurrence to enqueue: a claim applies only while it (and version) still hold what the
            -- claiming host read, so each occurrence is enqueued once however many hosts race.
            next_run_at     INTEGER NOT NULL,
            version         INTEGER NOT NULL DEFAULT 1,
            last_run_at     INTEGER,
            last_job_id     TEXT,
            last_skipped_at INTEGER,
            declared_at     INTEGER,          -- last declaration in code by a running host; NULL: managed at run time
            created_at      INTEGER NOT NULL,
            updated_at      INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- What every host reads each pass: the due schedules and the earliest next one.
        CREATE INDEX jobqueue_recurring_due ON jobqueue_recurring (next_run_at) WHERE paused = 0;
        -- Pruning of schedules no running host declares any more.
        CREATE INDEX jobqueue_recurring_declared ON jobqueue_recurring (declared_at) WHERE declared_at IS NOT NULL;
        """;
}
