namespace JobQueue.Redis.Scripts;

/// <summary>
/// Job logs. Key, under the prefix P like every other: log:ID (hash: per attempt N, field N holds the attempt's text
/// and field dN its dropped-line count). Deleted with the job by <see cref="Prune"/> and <see cref="Delete"/>.
/// </summary>
internal static partial class RedisScripts
{
    /// <summary>ARGV: P, then id, attempt, text, dropped per log. Writes only the logs of jobs that exist; returns how many.</summary>
    public static readonly RedisScript SaveJobLogs = new("save-job-logs", """
        local P = ARGV[1]
        local written = 0
        for i = 2, #ARGV, 4 do
          local id, at = ARGV[i], ARGV[i + 1]
          if redis.call('EXISTS', P .. 'job:' .. id) == 1 then
            redis.call('HSET', P .. 'log:' .. id, at, ARGV[i + 2], 'd' .. at, ARGV[i + 3])
            written = written + 1
          end
        end
        return written
        """);
}
