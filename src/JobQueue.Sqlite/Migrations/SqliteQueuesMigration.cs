namespace JobQueue.Sqlite.Migrations;

/// <summary>
/// Schema version 4: paused queues and the host registry. Tables of their own, so the step applies on top of any
/// earlier version and touches no table another step writes.
/// </summary>
internal static class SqliteQueuesMigration
{
    public const int Version = 4;

    public const string Description = "paused queues and the host registry";

    public const string Sql = """
        -- A row per paused queue; every fetch looks its queue up here (a primary-key lookup) in its own transaction.
        CREATE TABLE jobqueue_paused_queues (
            queue     TEXT    PRIMARY KEY,
            paused_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- Each worker host's last heartbeat, replaced by the next one.
        CREATE TABLE jobqueue_hosts (
            id             TEXT    PRIMARY KEY,
            machine_name   TEXT    NOT NULL,
            process_id     INTEGER NOT NULL,
            started_at     INTEGER NOT NULL,
            version        TEXT    NOT NULL,
            queues         TEXT    NOT NULL, -- JSON array of {q: queue, c: concurrency, r: running, p: paused}
            running        INTEGER NOT NULL,
            interval_ticks INTEGER NOT NULL,
            seen_at        INTEGER NOT NULL,
            expires_at     INTEGER NOT NULL  -- pruned once this has passed
        );

        CREATE INDEX jobqueue_hosts_expires ON jobqueue_hosts (expires_at);
        """;
}
