namespace JobQueue.Redis.Scripts;

/// <summary>
/// Paused queues and the host registry. Keys, under the prefix P like every other: paused (hash: queue to its pause
/// time in ticks; <see cref="Fetch"/> reads it, so a pause and a fetch are ordered like any two scripts), hosts (zset:
/// host id scored by its record's expiry in unix microseconds) and host:ID (hash: m machine name, pid, sa started at,
/// v version, q queues as JSON, r running, i heartbeat interval in ticks, s seen at, e expires at; times as 19-digit
/// ticks).
/// </summary>
internal static partial class RedisScripts
{
    /// <summary>ARGV: P, queue, nowTicks. Returns 1 when the queue was not paused before (a paused queue keeps its first pause time).</summary>
    public static readonly RedisScript PauseQueue = RedisScriptLoader.Load("pause-queue");

    /// <summary>ARGV: P, queue. Returns 1 when the queue was paused; then wakes its idle workers on every host.</summary>
    public static readonly RedisScript ResumeQueue = RedisScriptLoader.Load("resume-queue");

    /// <summary>ARGV: P. Returns queue, pause time (ticks), for each paused queue.</summary>
    public static readonly RedisScript PausedQueues = RedisScriptLoader.Load("paused-queues");

    /// <summary>ARGV: P, id, expiresUs, then field, value pairs of the host's hash (replaced whole).</summary>
    public static readonly RedisScript RecordHeartbeat = RedisScriptLoader.Load("record-heartbeat");

    /// <summary>ARGV: P, id. Returns 1 when the host had a record.</summary>
    public static readonly RedisScript RemoveHost = RedisScriptLoader.Load("remove-host");

    /// <summary>ARGV: P. Returns id, then the host hash's field, value pairs as one array, for each host.</summary>
    /// <remarks>A member whose hash is gone (deleted by hand) is dropped from the set, not listed.</remarks>
    public static readonly RedisScript Hosts = RedisScriptLoader.Load("hosts");

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, limit. Deletes up to limit host records whose expiry is not after now; returns how many.
    /// The score narrows the range; the expiry in ticks decides, as for jobs.
    /// </summary>
    public static readonly RedisScript PruneHosts = RedisScriptLoader.Load("prune-hosts");
}
