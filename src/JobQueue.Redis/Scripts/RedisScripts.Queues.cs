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
    public static readonly RedisScript PauseQueue = new("pause-queue", """
        return redis.call('HSETNX', ARGV[1] .. 'paused', ARGV[2], ARGV[3])
        """);

    /// <summary>ARGV: P, queue. Returns 1 when the queue was paused; then wakes its idle workers on every host.</summary>
    public static readonly RedisScript ResumeQueue = new("resume-queue", """
        local P, q = ARGV[1], ARGV[2]
        if redis.call('HDEL', P .. 'paused', q) == 0 then return 0 end
        redis.call('PUBLISH', P .. 'work', q)
        return 1
        """);

    /// <summary>ARGV: P. Returns queue, pause time (ticks), for each paused queue.</summary>
    public static readonly RedisScript PausedQueues = new("paused-queues", """
        return redis.call('HGETALL', ARGV[1] .. 'paused')
        """);

    /// <summary>ARGV: P, id, expiresUs, then field, value pairs of the host's hash (replaced whole).</summary>
    public static readonly RedisScript RecordHeartbeat = new("record-heartbeat", """
        local P, id = ARGV[1], ARGV[2]
        local key = P .. 'host:' .. id
        redis.call('DEL', key)
        redis.call('HSET', key, unpack(ARGV, 4))
        redis.call('ZADD', P .. 'hosts', ARGV[3], id)
        return 1
        """);

    /// <summary>ARGV: P, id. Returns 1 when the host had a record.</summary>
    public static readonly RedisScript RemoveHost = new("remove-host", """
        local P, id = ARGV[1], ARGV[2]
        redis.call('DEL', P .. 'host:' .. id)
        return redis.call('ZREM', P .. 'hosts', id)
        """);

    /// <summary>ARGV: P. Returns id, then the host hash's field, value pairs as one array, for each host.</summary>
    /// <remarks>A member whose hash is gone (deleted by hand) is dropped from the set, not listed.</remarks>
    public static readonly RedisScript Hosts = new("hosts", """
        local P = ARGV[1]
        local r = {}
        for _, id in ipairs(redis.call('ZRANGE', P .. 'hosts', 0, -1)) do
          local h = redis.call('HGETALL', P .. 'host:' .. id)
          if #h == 0 then
            redis.call('ZREM', P .. 'hosts', id)
          else
            r[#r + 1] = id
            r[#r + 1] = h
          end
        end
        return r
        """);

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, limit. Deletes up to limit host records whose expiry is not after now; returns how many.
    /// The score narrows the range; the expiry in ticks decides, as for jobs.
    /// </summary>
    public static readonly RedisScript PruneHosts = new("prune-hosts", """
        local P, nowt, nowus, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
        if limit <= 0 then return 0 end
        local count = 0
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'hosts', '-inf', nowus, 'LIMIT', 0, limit)) do
          local key = P .. 'host:' .. id
          local e = redis.call('HGET', key, 'e')
          -- A record without a readable expiry (damaged) is pruned by its score alone.
          if not e or string.len(e) ~= 19 or e <= nowt then
            redis.call('DEL', key)
            redis.call('ZREM', P .. 'hosts', id)
            count = count + 1
          end
        end
        return count
        """);
}
