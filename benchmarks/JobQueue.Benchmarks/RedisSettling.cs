using System.Diagnostics;
using StackExchange.Redis;

namespace JobQueue.Benchmarks;

/// <summary>
/// Keeps one Redis measurement from paying for another's data: each benchmark host removes the keys it wrote when
/// it ends and has the server rewrite its append-only file then, and a drain or latency run starts when the server
/// is not rewriting it.
/// </summary>
/// <remarks>
/// run.sh's server keeps an AOF (fsync every second). Left alone, the jobs of every earlier suite stay in it (the
/// bench hosts keep finished jobs, so history can be measured), and the server rewrites the whole data set in a
/// forked child each time the file doubles: a rewrite of the hundreds of megabytes the enqueue suites leave behind
/// took one of the machine's two cores for a second or more, in the middle of a drain. The raw limit
/// (`redis-benchmark LPUSH`) runs on an empty server; so does each JobQueue measurement now. A rewrite that a
/// measurement's own writes start is part of that measurement.
/// </remarks>
internal static class RedisSettling
{
    private static readonly TimeSpan s_rewriteDeadline = TimeSpan.FromMinutes(2);

    /// <summary>Unlinks every key under <paramref name="prefix"/> (the host's own key prefix, without its hash tag).</summary>
    public static async Task RemoveKeysAsync(string server, string prefix)
    {
        await using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(server + ",allowAdmin=true").ConfigureAwait(false);
        IServer redis = connection.GetServers()[0];
        IDatabase database = connection.GetDatabase();
        var batch = new List<RedisKey>(1_000);
        await foreach (RedisKey key in redis.KeysAsync(pattern: "{" + prefix + "}:*", pageSize: 1_000).ConfigureAwait(false))
        {
            batch.Add(key);
            if (batch.Count == 1_000)
            {
                await database.KeyDeleteAsync([.. batch], CommandFlags.None).ConfigureAwait(false);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await database.KeyDeleteAsync([.. batch]).ConfigureAwait(false);
        }

        // The deletions themselves grow the AOF, and the rewrite they would start a moment later would land in the
        // next measurement, another store's as like as not: it runs now, on the little data left, and ends here.
        string persistence = (await redis.InfoRawAsync("persistence").ConfigureAwait(false))!;
        if (persistence.Contains("aof_enabled:1", StringComparison.Ordinal))
        {
            await WaitForNoRewriteAsync(redis).ConfigureAwait(false);
            await redis.ExecuteAsync("BGREWRITEAOF").ConfigureAwait(false);
            await WaitForNoRewriteAsync(redis).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the server is not rewriting its AOF (for at most two minutes).</summary>
    public static async Task WaitForNoRewriteAsync(string server)
    {
        await using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(server + ",allowAdmin=true").ConfigureAwait(false);
        await WaitForNoRewriteAsync(connection.GetServers()[0]).ConfigureAwait(false);
    }

    private static async Task WaitForNoRewriteAsync(IServer redis)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < s_rewriteDeadline)
        {
            string info = (await redis.InfoRawAsync("persistence").ConfigureAwait(false))!;
            if (!info.Contains("aof_rewrite_in_progress:1", StringComparison.Ordinal) && !info.Contains("aof_rewrite_scheduled:1", StringComparison.Ordinal))
            {
                return;
            }

            // A poll of the server's own state, not a wait for JobQueue's work.
            await Task.Delay(50).ConfigureAwait(false);
        }
    }
}
