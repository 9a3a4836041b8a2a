using JobQueue.Redis.Storage;
using JobQueue.Redis.Tests;
using StackExchange.Redis;

namespace JobQueue.Storage.Tests;

/// <summary>Damages a job hash of a Redis store with commands of its own, as an HSET by hand would.</summary>
internal static class RedisDamage
{
    // One script, so a cluster routes it (by the declared key) to the node that owns the store's slot.
    private const string Script = """
        local P, id, damage = ARGV[1], ARGV[2], ARGV[3]
        local j = P .. 'job:' .. id
        if redis.call('EXISTS', j) == 0 then return 0 end
        if damage == 'State' then
          redis.call('HSET', j, 's', '9')
        elseif damage == 'Errors' then
          redis.call('HSET', j, 'at', '1')
          redis.call('RPUSH', P .. 'errors:' .. id, '{"t": "System.Exception", "m')
        elseif damage == 'Time' then
          redis.call('HSET', j, 'ra', 'yesterday')
        elseif damage == 'BatchId' then
          redis.call('HSET', j, 'b', 'not-a-batch')
        elseif damage == 'LeaseToken' then
          redis.call('HSET', j, 'lt', 'not-a-token')
        elseif damage == 'Id' then
          -- The id is the key's name and a member of the sets that list the job: all of them change with it.
          local new = 'not-a-job-' .. id
          local f = redis.call('HMGET', j, 'q', 's', 'b')
          redis.call('RENAME', j, P .. 'job:' .. new)
          if redis.call('EXISTS', P .. 'errors:' .. id) == 1 then redis.call('RENAME', P .. 'errors:' .. id, P .. 'errors:' .. new) end
          local function swap(key)
            local score = redis.call('ZSCORE', key, id)
            if score then
              redis.call('ZREM', key, id)
              redis.call('ZADD', key, score, new)
            end
          end
          swap(P .. 'qs:' .. f[1] .. ':' .. f[2])
          swap(P .. 'scheduled')
          if f[3] then swap(P .. 'batchjobs:' .. f[3]) end
          -- A ready member is "runAt:seq:id".
          local rk = P .. 'ready:' .. f[1]
          for _, m in ipairs(redis.call('ZRANGE', rk, 0, -1)) do
            if string.sub(m, -#id) == id then
              local score = redis.call('ZSCORE', rk, m)
              redis.call('ZREM', rk, m)
              redis.call('ZADD', rk, score, string.sub(m, 1, #m - #id) .. new)
            end
          end
        else
          return redis.error_reply('unknown damage ' .. damage)
        end
        return 1
        """;

    public static async Task<string> ApplyAsync(IJobStorage storage, JobId id, Damage damage)
    {
        var redis = (RedisJobStorage)storage;
        IDatabase database = await RedisStores.DatabaseAsync(redis);
        RedisResult applied = await database.ScriptEvaluateAsync(Script, [redis.Prefix + "jobs"], [redis.Prefix, id.ToString(), damage.ToString()]);
        ((long)applied).Should().Be(1, "job {0} is in the store to be damaged", id);
        return damage switch
        {
            Damage.State => "s (state)",
            Damage.Errors => "errors[0]",
            Damage.Time => "ra (run at)",
            Damage.BatchId => "b (batch)",
            Damage.LeaseToken => "lt (lease token)",
            Damage.Id => "id",
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
        };
    }
}
