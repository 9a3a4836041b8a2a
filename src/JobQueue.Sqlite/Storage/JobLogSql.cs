namespace JobQueue.Sqlite.Storage;

/// <summary>The SQL of job logs (see SqliteMigrations version 6).</summary>
internal static class JobLogSql
{
    // Written only while the job exists: a log that arrives after its job was deleted or pruned is dropped, not orphaned.
    public const string Upsert = """
        INSERT INTO jobqueue_job_logs (job_id, attempt, text, dropped_lines)
        SELECT $id, $attempt, $text, $dropped FROM jobqueue_jobs WHERE id = $id
        ON CONFLICT (job_id, attempt) DO UPDATE SET text = excluded.text, dropped_lines = excluded.dropped_lines;
        """;

    public const string Select = "SELECT attempt, text, dropped_lines FROM jobqueue_job_logs WHERE job_id = $id ORDER BY attempt;";
}
