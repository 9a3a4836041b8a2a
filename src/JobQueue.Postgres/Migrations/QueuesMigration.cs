namespace JobQueue.Postgres.Migrations;

/// <summary>
/// Schema version 3: paused queues and the host registry. Tables of their own, so the step applies on top of any
/// earlier version and touches nothing another step writes.
/// </summary>
internal static class QueuesMigration
{
    public const int Version = 3;

    public const string Description = "paused queues and the host registry";

    public static string Sql(string s) => $"""
        -- A row per paused queue; every fetch of a queue looks it up here (a primary-key lookup).
        CREATE TABLE {s}.paused_queues (
            queue     text        PRIMARY KEY,
            paused_at timestamptz NOT NULL
        );

        -- Each worker host's last heartbeat, replaced by the next one.
        CREATE TABLE {s}.hosts (
            id             text        PRIMARY KEY,
            machine_name   text        NOT NULL,
            process_id     integer     NOT NULL,
            started_at     timestamptz NOT NULL,
            version        text        NOT NULL,
            -- JSON array of objects (q: queue, c: concurrency, r: running, p: paused); text, so it reads back as written.
            queues         text        NOT NULL,
            running        integer     NOT NULL,
            interval_ticks bigint      NOT NULL,
            seen_at        timestamptz NOT NULL,
            -- Pruned once this has passed.
            expires_at     timestamptz NOT NULL
        );

        CREATE INDEX hosts_expires_idx ON {s}.hosts (expires_at);
        """;
}
