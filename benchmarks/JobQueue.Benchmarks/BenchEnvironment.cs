using System.Globalization;

namespace JobQueue.Benchmarks;

/// <summary>
/// What run.sh hands the program: servers it started and the run size. A provider whose server is not given is
/// skipped (and reported as skipped), so the suite also runs on a machine with only some servers.
/// </summary>
internal static class BenchEnvironment
{
    public static string? Redis => Read("JOBQUEUE_BENCH_REDIS");

    public static string? Postgres => Read("JOBQUEUE_BENCH_POSTGRES");

    /// <summary>JOBQUEUE_BENCH_REDIS_SOCKETS=threadpool runs StackExchange.Redis on SocketManager.ThreadPool (an experiment).</summary>
    public static string? RedisSocketManager => Read("JOBQUEUE_BENCH_REDIS_SOCKETS");

    /// <summary>Folder for SQLite files; a temp folder when not given.</summary>
    public static string SqliteFolder { get; } = Read("JOBQUEUE_BENCH_DIR") ?? Path.Combine(Path.GetTempPath(), "jobqueue-bench");

    public static bool Quick => Read("JOBQUEUE_BENCH_QUICK") == "1";

    /// <summary>
    /// JOBQUEUE_BENCH_ONLY (comma-separated provider names, e.g. "redis" or "inmemory,sqlite") limits a run to
    /// those stores, for measuring one provider before and after a change; unset means every store.
    /// </summary>
    public static bool IsSelected(Provider provider)
        => Read("JOBQUEUE_BENCH_ONLY") is not { } only
            || only.Split(',', StringSplitOptions.TrimEntries).Contains(provider.ToString(), StringComparer.OrdinalIgnoreCase);

    public static bool IsAvailable(Provider provider) => IsSelected(provider) && provider switch
    {
        Provider.Redis => Redis is not null,
        Provider.Postgres => Postgres is not null,
        _ => true,
    };

    public static IEnumerable<Provider> DurableProviders()
        => new[] { Provider.Sqlite, Provider.Redis, Provider.Postgres }.Where(IsAvailable);

    public static int ReadInt(string name, int fallback)
        => Read(name) is { } text ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;

    private static string? Read(string name)
        => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
