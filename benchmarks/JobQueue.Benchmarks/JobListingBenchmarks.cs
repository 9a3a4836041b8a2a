using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobQueue.Benchmarks;

/// <summary>
/// The dashboard's first page of jobs, as IJobAdmin.QueryJobsAsync reads it (50 jobs, newest first, and the total
/// counted up to 10,000), among a history of finished jobs: 1,000,000 by default (JOBQUEUE_BENCH_LISTING_ROWS), one in
/// ten Failed, named job-0 to job-19 in turn, so a name matches one in twenty. Run by benchmarks/listing.sh.
/// </summary>
/// <remarks>
/// The history is written with SQL into the store's own table after the store created its schema (a million
/// enqueues and completions would take longer than the run), then analyzed as a table that grew over months would be.
/// </remarks>
[Config(typeof(ListingConfig))]
public class JobListingBenchmarks
{
    private const string Failed = "4";

    private ServiceProvider? _services;
    private IJobAdmin _admin = null!;

    [ParamsSource(nameof(Providers))]
    public string Store { get; set; } = "";

    public static IEnumerable<string> Providers()
    {
        if (BenchEnvironment.IsAvailable(Provider.Sqlite))
        {
            yield return "Sqlite";
        }

        if (BenchEnvironment.IsAvailable(Provider.Postgres))
        {
            yield return "Postgres";
        }
    }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        int rows = BenchEnvironment.ReadInt("JOBQUEUE_BENCH_LISTING_ROWS", 1_000_000);
        string unique = Guid.NewGuid().ToString("N")[..12];
        var services = new ServiceCollection();
        services.AddLogging();
        string? sqlitePath = null;
        services.AddJobQueue(q =>
        {
            if (Store == "Sqlite")
            {
                Directory.CreateDirectory(BenchEnvironment.SqliteFolder);
                sqlitePath = Path.Combine(BenchEnvironment.SqliteFolder, "listing-" + unique + ".db");
                q.UseSqlite(sqlitePath);
            }
            else
            {
                q.UsePostgres(BenchEnvironment.Postgres!, o => o.Schema = "l" + unique);
            }
        });
        _services = services.BuildServiceProvider();
        _admin = _services.GetRequiredService<IJobAdmin>();

        // Creates the schema (migrations run on first use).
        await _services.GetRequiredService<IJobStorage>().GetQueueStatisticsAsync(CancellationToken.None);
        if (sqlitePath is not null)
        {
            SeedSqlite(sqlitePath, rows);
        }
        else
        {
            await SeedPostgresAsync("l" + unique, rows);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [Benchmark]
    public async Task<long> FirstPageOfFailed()
        => (await _admin.QueryJobsAsync(new JobFilter { State = JobState.Failed })).Total;

    [Benchmark]
    public async Task<long> FirstPageOfName()
        => (await _admin.QueryJobsAsync(new JobFilter { Name = "job-7" })).Total;

    private static void SeedSqlite(string path, int rows)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandTimeout = 0;
        command.CommandText = $"""
            BEGIN IMMEDIATE;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
            INSERT INTO jobqueue_jobs (id, name, queue, state, priority, arguments, attempt, max_attempts, timeout_ticks,
                retry_delay_ticks, run_at, enqueued_at, started_at, finished_at, errors)
            SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-8'
                       || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
                   'job-' || (i % 20), 'bench', CASE WHEN i % 10 = 0 THEN {Failed} ELSE 3 END, 0,
                   CAST(char(123) || '"order":' || i || char(125) AS BLOB), 1, 1, 300000000, 10000000,
                   {SqliteTicks(0)} + i, {SqliteTicks(0)} + i, {SqliteTicks(0)} + i, {SqliteTicks(0)} + i + 10,
                   CASE WHEN i % 10 = 0
                        THEN json_array(json_object('type', 'System.TimeoutException', 'message', 'The mail server did not answer.',
                                                    'stackTrace', NULL, 'attempt', 1, 'at', {SqliteTicks(0)} + i))
                        ELSE '[]' END
            FROM n;
            COMMIT;
            ANALYZE;
            PRAGMA wal_checkpoint(TRUNCATE);
            """;
        command.ExecuteNonQuery();
    }

    private static async Task SeedPostgresAsync(string schema, int rows)
    {
        await using var connection = new NpgsqlConnection(BenchEnvironment.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {schema}.jobs (id, name, queue, state, priority, arguments, attempt, max_attempts, timeout_ticks,
                retry_delay_ticks, run_at, enqueued_at, started_at, finished_at, errors)
            SELECT gen_random_uuid(), 'job-' || (i % 20), 'bench', CASE WHEN i % 10 = 0 THEN {Failed} ELSE 3 END, 0,
                   convert_to(chr(123) || '"order":' || i || chr(125), 'UTF8'), 1, 1, 300000000, 10000000,
                   t, t, t, t + interval '10 ms',
                   CASE WHEN i % 10 = 0
                        THEN jsonb_build_array(jsonb_build_object('type', 'System.TimeoutException',
                             'message', 'The mail server did not answer.', 'attempt', 1, 'at', t))
                        ELSE '[]'::jsonb END
            FROM generate_series(1, {rows}) AS i, LATERAL (SELECT timestamptz '2026-01-01' + i * interval '1 ms' AS t) AS times
            ORDER BY i;
            VACUUM ANALYZE {schema}.jobs;
            CHECKPOINT;
            """, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>SQLite's stored time: ticks since the Unix epoch (see the store's SqliteTime), of 2026-01-01 plus the offset.</summary>
    private static long SqliteTicks(long offset) => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks - DateTime.UnixEpoch.Ticks + offset;

    private sealed class ListingConfig : ManualConfig
    {
        public ListingConfig()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(3)
                .WithIterationCount(15));
            WithOptions(ConfigOptions.DisableOptimizationsValidator);
        }
    }
}
