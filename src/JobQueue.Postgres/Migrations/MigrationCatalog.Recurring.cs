namespace JobQueue.Postgres.Migrations;

// Version 2: recurring jobs. Depends on version 1 only (it names no other table), so it applies on its own.
internal static partial class MigrationCatalog
{
    private static string Version2RecurringJobs(string s) => $"""
        CREATE TABLE {s}.recurring_jobs (
            id              text        PRIMARY KEY,
            name            text        NOT NULL,
            -- As given; the engine parses it (Cronos), the store never does.
            cron            text        NOT NULL,
            time_zone       text        NOT NULL,
            arguments       bytea       NOT NULL,
            -- NULL: the job type's queue and priority.
            queue           text,
            priority        integer,
            -- MisfirePolicy (Skip 0, RunOnce 1, RunAll 2) and OverlapPolicy (Allow 0, Skip 1).
            misfire         smallint    NOT NULL,
            max_catch_up    integer     NOT NULL,
            overlap         smallint    NOT NULL,
            paused          boolean     NOT NULL DEFAULT false,
            -- The next occurrence to enqueue: a claim applies only while it (and version) still hold what the claiming
            -- host read, so each occurrence is enqueued once however many hosts race.
            next_run_at     timestamptz NOT NULL,
            version         bigint      NOT NULL DEFAULT 1,
            last_run_at     timestamptz,
            last_job_id     uuid,
            last_skipped_at timestamptz,
            -- The last declaration in code by a running host; NULL for a schedule managed at run time.
            declared_at     timestamptz,
            created_at      timestamptz NOT NULL,
            updated_at      timestamptz NOT NULL
        );

        -- What every host reads each pass: the due schedules and the earliest next one.
        CREATE INDEX recurring_jobs_due_idx ON {s}.recurring_jobs (next_run_at) WHERE NOT paused;
        -- Pruning of schedules no running host declares any more.
        CREATE INDEX recurring_jobs_declared_idx ON {s}.recurring_jobs (declared_at) WHERE declared_at IS NOT NULL;
        """;
}
