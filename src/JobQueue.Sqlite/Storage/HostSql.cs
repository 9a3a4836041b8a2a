namespace JobQueue.Sqlite.Storage;

/// <summary>The statements on the host registry (schema version 4).</summary>
internal static class HostSql
{
    public const string Upsert = """
        INSERT INTO jobqueue_hosts (id, machine_name, process_id, started_at, version, queues, running, interval_ticks, seen_at, expires_at)
        VALUES ($id, $machine_name, $process_id, $started_at, $version, $queues, $running, $interval_ticks, $seen_at, $expires_at)
        ON CONFLICT (id) DO UPDATE SET
            machine_name = excluded.machine_name, process_id = excluded.process_id, started_at = excluded.started_at,
            version = excluded.version, queues = excluded.queues, running = excluded.running,
            interval_ticks = excluded.interval_ticks, seen_at = excluded.seen_at, expires_at = excluded.expires_at;
        """;

    public const string Remove = "DELETE FROM jobqueue_hosts WHERE id = $id;";

    /// <summary>The columns <see cref="SqliteJobReader.GetHosts"/> reads, in its ordinal order.</summary>
    public const string SelectHosts = """
        SELECT id, machine_name, process_id, started_at, version, queues, running, interval_ticks, seen_at, expires_at
        FROM jobqueue_hosts;
        """;

    /// <summary>Bounded by $limit, so the write lock is held briefly however many records expired.</summary>
    public const string Prune = """
        DELETE FROM jobqueue_hosts
        WHERE id IN (SELECT id FROM jobqueue_hosts WHERE expires_at <= $now ORDER BY expires_at LIMIT $limit);
        """;
}
