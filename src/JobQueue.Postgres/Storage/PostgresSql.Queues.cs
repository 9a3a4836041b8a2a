namespace JobQueue.Postgres.Storage;

/// <summary>
/// The statements on paused queues and the host registry (schema version 3), built at first use.
/// </summary>
/// <remarks>
/// <para>A pause and a fetch of the same queue are ordered by a transaction-level advisory lock per (schema, queue):
/// a fetch takes it shared, in a statement of its own before the fetch statement; a pause takes it exclusive and
/// inserts its row under it. In READ COMMITTED each statement takes its snapshot when it starts, so a fetch statement
/// that runs after a pause committed sees the pause; one that took the lock first holds the pause back until it has
/// committed its leases. Without the lock, a fetch statement that began before the pause committed could still lease
/// jobs after the pause returned.</para>
/// </remarks>
internal sealed partial class PostgresSql
{
    private string? _pauseQueue;
    private string? _resumeQueue;
    private string? _pausedQueues;
    private string? _upsertHost;
    private string? _removeHost;
    private string? _selectHosts;
    private string? _pruneHosts;

    /// <summary>Takes the queue's pause lock shared for the transaction; parameter @pause_lock (<see cref="PausedQueueLock"/>).</summary>
    public const string LockQueueForFetch = "SELECT pg_advisory_xact_lock_shared(@pause_lock)";

    /// <summary>Takes the queue's pause lock exclusive for the transaction; parameter @pause_lock.</summary>
    public const string LockQueueForPause = "SELECT pg_advisory_xact_lock(@pause_lock)";

    /// <summary>A queue paused already keeps its first pause time; one row inserted means it was not paused before.</summary>
    public string PauseQueue => _pauseQueue ??=
        $"INSERT INTO {Schema}.paused_queues (queue, paused_at) VALUES (@queue, @now) ON CONFLICT (queue) DO NOTHING";

    /// <summary>Deletes the pause and, in the same statement, wakes the queue's idle workers on every host (at commit).</summary>
    public string ResumeQueue => _resumeQueue ??= $"""
        WITH resumed AS (DELETE FROM {Schema}.paused_queues WHERE queue = @queue RETURNING queue)
        SELECT count(pg_notify('{Channel}', 'w:' || queue)) FROM resumed
        """;

    public string PausedQueues => _pausedQueues ??= $"SELECT queue, paused_at FROM {Schema}.paused_queues";

    public string UpsertHost => _upsertHost ??= $"""
        INSERT INTO {Schema}.hosts (id, machine_name, process_id, started_at, version, queues, running, interval_ticks, seen_at, expires_at)
        VALUES (@id, @machine_name, @process_id, @started_at, @version, @queues, @running, @interval_ticks, @seen_at, @expires_at)
        ON CONFLICT (id) DO UPDATE SET
            machine_name = excluded.machine_name, process_id = excluded.process_id, started_at = excluded.started_at,
            version = excluded.version, queues = excluded.queues, running = excluded.running,
            interval_ticks = excluded.interval_ticks, seen_at = excluded.seen_at, expires_at = excluded.expires_at
        """;

    public string RemoveHost => _removeHost ??= $"DELETE FROM {Schema}.hosts WHERE id = @id";

    public string SelectHosts => _selectHosts ??= $"""
        SELECT id, machine_name, process_id, started_at, version, queues, running, interval_ticks, seen_at, expires_at
        FROM {Schema}.hosts
        """;

    /// <summary>Bounded by @limit; SKIP LOCKED, so hosts pruning at the same time take disjoint rows instead of waiting.</summary>
    public string PruneHosts => _pruneHosts ??= $"""
        DELETE FROM {Schema}.hosts
        WHERE id IN (SELECT id FROM {Schema}.hosts WHERE expires_at <= @now ORDER BY expires_at LIMIT @limit FOR UPDATE SKIP LOCKED)
        """;

    /// <summary>
    /// The advisory lock key of a queue's pause in this schema: a stable hash (FNV-1a), never string.GetHashCode,
    /// which differs per process. Two queues that share a key only share a lock: a pause of one briefly holds back
    /// fetches of the other.
    /// </summary>
    public long PausedQueueLock(string queue)
    {
        ulong hash = 14695981039346656037;
        foreach (string part in (ReadOnlySpan<string>)["jobqueue.pause:", Schema, ":", queue])
        {
            foreach (char c in part)
            {
                hash = (hash ^ c) * 1099511628211;
            }
        }

        return unchecked((long)hash);
    }
}
