namespace JobQueue.Redis.Scripts;

/// <summary>
/// Job logs. Key, under the prefix P like every other: log:ID (hash: per attempt N, field N holds the attempt's text
/// and field dN its dropped-line count). Deleted with the job by <see cref="Prune"/> and <see cref="Delete"/>.
/// </summary>
internal static partial class RedisScripts
{
    /// <summary>ARGV: P, then id, attempt, text, dropped per log. Writes only the logs of jobs that exist; returns how many.</summary>
    public static readonly RedisScript SaveJobLogs = RedisScriptLoader.Load("save-job-logs");
}
