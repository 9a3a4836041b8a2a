namespace JobQueue.Sqlite.Migrations;

// Version 6: job logs. Depends on version 1 (jobqueue_jobs) only.
internal static partial class SqliteMigrations
{
    private const string JobLogsSql = """
        -- What a job's handler logged, one row per attempt; the text is the engine's, stored and never read as SQL
        -- or JSON here. Deleted with the job by the foreign key (the store's connections turn foreign_keys on).
        CREATE TABLE IF NOT EXISTS jobqueue_job_logs (
            job_id        TEXT    NOT NULL REFERENCES jobqueue_jobs (id) ON DELETE CASCADE,
            attempt       INTEGER NOT NULL,
            text          TEXT    NOT NULL,
            dropped_lines INTEGER NOT NULL,
            PRIMARY KEY (job_id, attempt)
        ) WITHOUT ROWID;
        """;
}
