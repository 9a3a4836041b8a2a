namespace JobQueue.Sqlite.Storage;

/// <summary>The statements on paused queues (schema version 4); <see cref="JobSql.Fetch"/> reads the same table.</summary>
internal static class QueueSql
{
    /// <summary>A queue paused already keeps its first pause time; one row changed means it was not paused before.</summary>
    public const string Pause = """
        INSERT INTO jobqueue_paused_queues (queue, paused_at) VALUES ($queue, $now) ON CONFLICT (queue) DO NOTHING;
        """;

    public const string Resume = "DELETE FROM jobqueue_paused_queues WHERE queue = $queue;";

    public const string SelectPaused = "SELECT queue, paused_at FROM jobqueue_paused_queues;";
}
