using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PeerBench;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;

// Hangfire beside JobQueue, measured the way benchmarks/JobQueue.Benchmarks measures JobQueue (docs/performance.md,
// "Beside other job systems"). benchmarks/peers.sh runs it:
//   dotnet Hangfire.PeerBench.dll postgres|inmemory|sqlite
// with PEER_POSTGRES (an Npgsql connection string) or PEER_SQLITE_DIR (a folder for the database files). Prints
// "key<TAB>value" lines for the figures (jobs/s, ms) and "# ..." lines for progress and the storage's settings.
// Every measurement uses a fresh store (a new PostgreSQL schema, a new SQLite file, a new in-memory storage) and
// Hangfire's documented setup for a new application; the storages' own options are their defaults.
string store = args is [string given] ? given : throw new ArgumentException("usage: Hangfire.PeerBench postgres|inmemory|sqlite");
int drainJobs = ReadInt("PEER_DRAIN_JOBS", 50_000);
int drainRepeats = ReadInt("PEER_DRAINS", 3);
int latencySamples = ReadInt("PEER_LATENCY_SAMPLES", 500);
int latencyWarmup = ReadInt("PEER_LATENCY_WARMUP", 20);

// BenchmarkDotNet's settings for JobQueue's durable enqueue rows: 2 warm-up and 10 measured iterations of 4 calls
// (PEER_ENQUEUE_CALLS=warmup,measured for a storage too slow for that).
int[] enqueueCalls = (Environment.GetEnvironmentVariable("PEER_ENQUEUE_CALLS") ?? "8,40").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
int warmupCalls = enqueueCalls[0];
int measuredCalls = enqueueCalls[1];

// What Hangfire's documentation sets up for a new application.
GlobalConfiguration.Configuration
    .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
    .UseSimpleAssemblyNameTypeSerializer()
    .UseRecommendedSerializerSettings();

Console.WriteLine($"# Hangfire {Version(typeof(BackgroundJob))} on {store} ({Version(DefaultOptions(store).GetType())}); storage options: {Describe(DefaultOptions(store))}");

await DrainAsync(10, Math.Min(drainJobs, 1_000)); // warm-up: JIT, connection pools and the schema are not the subject
foreach (int concurrency in new[] { 10, 50 })
{
    var rates = new List<double>();
    for (int repeat = 0; repeat < drainRepeats; repeat++)
    {
        rates.Add(await DrainAsync(concurrency, drainJobs));
        Console.WriteLine($"# drain c{concurrency} #{repeat + 1}: {rates[^1]:F0} jobs/s");
    }

    Emit($"drain.c{concurrency}", rates.Order().ElementAt(rates.Count / 2));
    Console.WriteLine($"drain.c{concurrency}.samples\t{string.Join(' ', rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}");
}

Emit("enqueue.inflight", EnqueueRate(client => Task.WaitAll(Enumerable.Range(0, 100)
    .Select(i => Task.Run(() => EnqueueNoop(client, i))).ToArray()), 100));
Console.WriteLine($"# enqueue 100 in flight done ({measuredCalls} calls after {warmupCalls}; Hangfire has no bulk enqueue call)");

(double p50, double p99) = await LatencyAsync(latencySamples, latencyWarmup);
Emit("latency.p50", p50);
Emit("latency.p99", p99);
Console.WriteLine($"# latency p50 {p50:F3} ms, p99 {p99:F3} ms");
return 0;

// N jobs enqueued with no server running, then one server with N workers (Hangfire's concurrency); timed until
// every handler has run and no job is left in the Processing state, so every outcome has been written.
async Task<double> DrainAsync(int concurrency, int jobs)
{
    JobStorage storage = NewStorage(store);
    var client = new BackgroundJobClient(storage);
    Fill(client, jobs);
    Task drained = Jobs.Arm(jobs);
    long start = Stopwatch.GetTimestamp();
    using (var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = concurrency }, storage))
    {
        await drained.WaitAsync(TimeSpan.FromMinutes(30));
        var monitoring = storage.GetMonitoringApi();
        while (monitoring.ProcessingCount() > 0)
        {
            await Task.Delay(5);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        server.SendStop();
        return jobs / elapsed.TotalSeconds;
    }
}

// Fills in parallel (not timed): Hangfire's client enqueues one job per call.
void Fill(BackgroundJobClient client, int count)
    => Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i => EnqueueNoop(client, i));

double EnqueueRate(Action<BackgroundJobClient> call, int jobsPerCall)
{
    var client = new BackgroundJobClient(NewStorage(store));
    for (int i = 0; i < warmupCalls; i++)
    {
        call(client);
    }

    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < measuredCalls; i++)
    {
        call(client);
    }

    return jobsPerCall * measuredCalls / Stopwatch.GetElapsedTime(start).TotalSeconds;
}

async Task<(double P50, double P99)> LatencyAsync(int samples, int warmup)
{
    JobStorage storage = NewStorage(store);
    var client = new BackgroundJobClient(storage);
    using var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = 1 }, storage);
    await Task.Delay(500); // the worker reaches its wait for jobs
    var measured = new double[samples];
    for (int i = -warmup; i < samples; i++)
    {
        Task<long> started = Jobs.ArmLatency();
        long enqueued = Stopwatch.GetTimestamp();
        NoopArgs probe = NewArgs(i);
        client.Enqueue(() => Jobs.Latency(probe));
        long handlerStart = await started.WaitAsync(TimeSpan.FromMinutes(2));
        if (i >= 0)
        {
            measured[i] = Stopwatch.GetElapsedTime(enqueued, handlerStart).TotalMilliseconds;
        }

        await Task.Delay(2); // the previous job's completion lands, so the next sample finds the worker idle and waiting
        while (storage.GetMonitoringApi().ProcessingCount() > 0)
        {
            await Task.Delay(1);
        }
    }

    server.SendStop();
    Array.Sort(measured);
    return (Percentile(measured, 0.50), Percentile(measured, 0.99));
}

static JobStorage NewStorage(string store) => store switch
{
    "postgres" => NewPostgres(),
    "inmemory" => new InMemoryStorage((InMemoryStorageOptions)DefaultOptions(store)),
    "sqlite" => new SQLiteStorage(
        Path.Combine(Environment.GetEnvironmentVariable("PEER_SQLITE_DIR") ?? Path.GetTempPath(), $"hangfire-{Guid.NewGuid():N}.db"),
        (SQLiteStorageOptions)DefaultOptions(store)),
    _ => throw new ArgumentException($"unknown store '{store}': postgres, inmemory or sqlite"),
};

// A fresh schema per measurement, as JobQueue's PostgreSQL rows use one; every other option is the default.
static PostgreSqlStorage NewPostgres()
{
    var options = new PostgreSqlStorageOptions { SchemaName = "hf_" + Guid.NewGuid().ToString("N")[..12] };
    string connection = Environment.GetEnvironmentVariable("PEER_POSTGRES") ?? throw new InvalidOperationException("PEER_POSTGRES is not set");
    return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connection, options), options);
}

static void EnqueueNoop(BackgroundJobClient client, int i)
{
    NoopArgs args = NewArgs(i);
    client.Enqueue(() => Jobs.Noop(args));
}

static NoopArgs NewArgs(int i) => new(Guid.NewGuid(), "job-" + i.ToString(CultureInfo.InvariantCulture));

static object DefaultOptions(string store) => store switch
{
    "postgres" => new PostgreSqlStorageOptions(),
    "inmemory" => new InMemoryStorageOptions(),
    "sqlite" => new SQLiteStorageOptions(),
    _ => throw new ArgumentException($"unknown store '{store}': postgres, inmemory or sqlite"),
};

static string Describe(object options) => string.Join(", ", options.GetType()
    .GetProperties(BindingFlags.Public | BindingFlags.Instance)
    .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
    .Select(p => $"{p.Name}={p.GetValue(options)}"));

static string Version(Type type) => type.Assembly.GetName().Version?.ToString(3) ?? "?";

static double Percentile(double[] sorted, double fraction)
    => sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

static int ReadInt(string name, int fallback)
    => Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

static void Emit(string key, double value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key}\t{value:F3}"));
