using JobQueue.Hosting;
using JobQueue.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JobQueue.Benchmarks;

/// <summary>
/// One JobQueue instance on a fresh store (new SQLite file, new Redis key prefix, new PostgreSQL schema), with
/// the worker started separately from the store's own startup: a drain pre-fills with the worker stopped and
/// times from the worker's start.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    public const string BenchQueue = "bench";
    public const string LatencyQueue = "latency";

    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];
    private readonly WorkerHost? _worker;

    private BenchHost(ServiceProvider services)
    {
        _services = services;
        Client = services.GetRequiredService<IJobClient>();
        Storage = services.GetRequiredService<IJobStorage>();
        Counter = services.GetRequiredService<DrainCounter>();
        Latency = services.GetRequiredService<LatencyProbe>();
        Running = services.GetRequiredService<RunningJobs>();
        _worker = services.GetService<WorkerHost>();
    }

    public IJobClient Client { get; }

    /// <summary>The flow benchmark's probe.</summary>
    public FlowProbe Flow => _services.GetRequiredService<FlowProbe>();

    public IJobStorage Storage { get; }

    public DrainCounter Counter { get; }

    public LatencyProbe Latency { get; }

    /// <summary>The attempts the worker holds, from lease to written outcome.</summary>
    public RunningJobs Running { get; }

    /// <summary>The PostgreSQL schema of this host's store; null for other providers.</summary>
    public string? PostgresSchema { get; private set; }

    /// <summary>The Redis key prefix of this host's store (removed when the host ends); null for other providers.</summary>
    public string? RedisPrefix { get; private set; }

    /// <summary>Builds the services and runs the store's startup (migrations), without the worker.</summary>
    /// <param name="provider">The store.</param>
    /// <param name="concurrency">The bench queue's concurrency.</param>
    /// <param name="worker">Whether the host has a worker (started with <see cref="StartWorkerAsync"/>).</param>
    /// <param name="configure">More registrations (the flow benchmark's jobs and queue).</param>
    public static async Task<BenchHost> StartAsync(Provider provider, int concurrency, bool worker, Action<JobQueueBuilder>? configure = null)
    {
        string unique = Guid.NewGuid().ToString("N")[..12];
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<DrainCounter>();
        services.AddSingleton<LatencyProbe>();
        services.AddSingleton<FlowProbe>();
        services.AddJobQueue(q =>
        {
            configure?.Invoke(q);
            UseStore(q, provider, unique);
            q.AddJob<NoopJob>(j => j.Queue = BenchQueue);
            q.AddJob<LatencyJob>(j => j.Queue = LatencyQueue);
            q.AddQueue(BenchQueue, concurrency);
            q.AddQueue(LatencyQueue, 1);
            q.Configure(o =>
            {
                o.RunWorker = worker;

                // Finished rows stay: the history measurement needs them, and pruning would be extra load.
                o.Retention = null;
            });
        });
        var host = new BenchHost(services.BuildServiceProvider())
        {
            PostgresSchema = provider is Provider.Postgres ? "b" + unique : null,
            RedisPrefix = provider is Provider.Redis ? "b" + unique : null,
        };
        foreach (IHostedService hosted in host._services.GetServices<IHostedService>())
        {
            if (!ReferenceEquals(hosted, host._worker))
            {
                await hosted.StartAsync(CancellationToken.None).ConfigureAwait(false);
                host._started.Add(hosted);
            }
        }

        return host;
    }


    /// <summary>A fetch of the bench queue's jobs by hand (no worker), leased for five minutes.</summary>
    public static FetchRequest FetchByHand(int limit, Guid token, DateTimeOffset now, string workerId) => new()
    {
        Queue = BenchQueue,
        Limit = limit,
        Now = now,
        LeaseToken = token,
        LeaseExpiresAt = now.AddMinutes(5),
        WorkerId = workerId,
    };

    public Task StartWorkerAsync()
        => _worker?.StartAsync(CancellationToken.None) ?? throw new InvalidOperationException("This host was built without a worker.");

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        for (int i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await _services.DisposeAsync().ConfigureAwait(false);
        if (RedisPrefix is not null)
        {
            await RedisSettling.RemoveKeysAsync(BenchEnvironment.Redis!, RedisPrefix).ConfigureAwait(false);
        }
    }

    private static void UseStore(JobQueueBuilder q, Provider provider, string unique)
    {
        switch (provider)
        {
            case Provider.InMemory:
                q.UseInMemory();
                break;
            case Provider.Sqlite:
                Directory.CreateDirectory(BenchEnvironment.SqliteFolder);
                q.UseSqlite(Path.Combine(BenchEnvironment.SqliteFolder, "bench-" + unique + ".db"));
                break;
            case Provider.Redis when BenchEnvironment.RedisSocketManager is "threadpool":
                // An experiment for docs/performance.md: the client's sockets served by the .NET thread pool instead of
                // its own dedicated workers.
                StackExchange.Redis.ConfigurationOptions options = StackExchange.Redis.ConfigurationOptions.Parse(BenchEnvironment.Redis ?? throw Missing(provider));
#pragma warning disable CS0618 // Obsolete in StackExchange.Redis 3, still honoured; measured, not recommended.
                options.SocketManager = StackExchange.Redis.SocketManager.ThreadPool;
#pragma warning restore CS0618
                q.UseRedis(options, o => o.KeyPrefix = "b" + unique);
                break;
            case Provider.Redis:
                q.UseRedis(BenchEnvironment.Redis ?? throw Missing(provider), o => o.KeyPrefix = "b" + unique);
                break;
            case Provider.Postgres:
                q.UsePostgres(BenchEnvironment.Postgres ?? throw Missing(provider), o => o.Schema = "b" + unique);
                break;
            default:
                throw Missing(provider);
        }
    }

    private static InvalidOperationException Missing(Provider provider) => new(
        $"No {provider} server was given: run benchmarks/run.sh, which starts one and sets JOBQUEUE_BENCH_{provider.ToString().ToUpperInvariant()}.");
}
