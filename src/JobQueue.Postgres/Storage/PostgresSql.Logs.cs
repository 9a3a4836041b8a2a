namespace JobQueue.Postgres.Storage;

// Job logs (schema version 5).
internal sealed partial class PostgresSql
{
    private string? _saveJobLogs;
    private string? _selectJobLogs;

    /// <summary>
    /// Upserts attempts' logs from parallel arrays (@ids, @attempts, @texts, @dropped) in one statement. Only rows of jobs
    /// that exist are written, each job's row locked FOR KEY SHARE so a concurrent delete waits rather than orphaning the log.
    /// </summary>
    public string SaveJobLogs => _saveJobLogs ??= $"""
        INSERT INTO {Schema}.job_logs (job_id, attempt, text, dropped_lines)
        SELECT l.job_id, l.attempt, l.text, l.dropped
        FROM unnest(@ids, @attempts, @texts, @dropped) AS l (job_id, attempt, text, dropped)
        JOIN {Schema}.jobs j ON j.id = l.job_id
        FOR KEY SHARE OF j
        ON CONFLICT (job_id, attempt) DO UPDATE SET text = EXCLUDED.text, dropped_lines = EXCLUDED.dropped_lines
        """;

    public string SelectJobLogs => _selectJobLogs ??=
        $"SELECT attempt, text, dropped_lines FROM {Schema}.job_logs WHERE job_id = @id ORDER BY attempt";
}
