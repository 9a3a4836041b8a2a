namespace JobQueue.Postgres.Migrations;

// Version 5: job logs.
internal static partial class MigrationCatalog
{
    private static string Version5JobLogs(string s) => $"""
        -- What a job's handler logged, one row per attempt. The text is the engine's and never interpreted here;
        -- the foreign key deletes it with its job (prune, delete).
        CREATE TABLE IF NOT EXISTS {s}.job_logs (
            job_id        uuid    NOT NULL REFERENCES {s}.jobs (id) ON DELETE CASCADE,
            attempt       integer NOT NULL,
            text          text    NOT NULL,
            dropped_lines integer NOT NULL,
            PRIMARY KEY (job_id, attempt)
        );
        """;
}
