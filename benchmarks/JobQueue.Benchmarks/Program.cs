using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using JobQueue.Benchmarks;

// Usage (run.sh does this): JobQueue.Benchmarks --raw raw.tsv --out results/DATE.md --plot results/DATE.dat
// (writes results/DATE.svg beside the report; --svg plot.dat out.svg "title" re-draws one from a data file)
// (benchmarks/peers.sh adds --figures figures.tsv: every figure by key, for its tables beside other job systems)
// benchmarks/ceilings.sh uses three more: --socket-floor PORT (a bare .NET socket's Redis round trip),
// --client-round-trips PORT (each Redis client's round trip, no JobQueue code), --inflight-probe HOST:PORT [--idle]
// (where a burst of 100 enqueues spends its time, per Redis client; needs JOBQUEUE_BENCH_REDIS too) and
// --postgres-schema (the store's schema script, to create its table by hand).
// Any other first argument goes to BenchmarkSwitcher, for running one suite by hand:
//   dotnet run -c Release -- --filter '*InMemoryEnqueue*' --job short
if (args is ["--socket-floor", string floorPort])
{
    return await SocketFloor.RunAsync(int.Parse(floorPort, CultureInfo.InvariantCulture), Console.Out);
}

if (args is ["--client-round-trips", string clientPort])
{
    return await ClientRoundTrips.RunAsync(int.Parse(clientPort, CultureInfo.InvariantCulture), Console.Out);
}

if (args is ["--inflight-probe", string probeRedis, ..] && args.Length <= 3)
{
    return await InFlightProbe.RunAsync(probeRedis, idle: args is [_, _, "--idle"], Console.Out);
}

// benchmarks/signup.sh: load on the WebShop sample's sign-up, e-mail inside the request vs deferred to a job.
if (args is ["--signup-load", string shopUrl, string clients, string seconds])
{
    return await SignUpLoad.RunAsync(shopUrl, int.Parse(clients, CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture)), Console.Out);
}

// benchmarks/flow.sh: processing under per-key limits beside the same jobs without, per available store.
if (args is ["--flow", string flowOut])
{
    using var flowReport = new StreamWriter(flowOut, append: true);
    foreach (Provider provider in new[] { Provider.InMemory, Provider.Sqlite, Provider.Postgres, Provider.Redis }.Where(BenchEnvironment.IsAvailable))
    {
        foreach (FlowMeasurements.Run run in await FlowMeasurements.RunAsync(provider, concurrency: 10, Console.Out))
        {
            await flowReport.WriteLineAsync(FlowMeasurements.Describe(run));
        }
    }

    return 0;
}

// Re-draws a plot from run.sh's data file (tab-separated: "label", measured, raw limit) as SVG.
if (args is ["--svg", string svgData, string svgOut, string svgTitle])
{
    await File.WriteAllTextAsync(svgOut, SvgPlot.Render(SvgPlot.Parse(await File.ReadAllTextAsync(svgData)), svgTitle));
    return 0;
}

// For working on one figure: drains or latency samples of one store, printed, nothing written. The store's server
// comes from the same variables run.sh sets (JOBQUEUE_BENCH_REDIS, JOBQUEUE_BENCH_POSTGRES).
//   --drain redis 50 50000 5      five drains of 50,000 jobs at concurrency 50
//   --latency redis 500 3         three runs of 500 samples
//   --script-cost 20000 50        the Redis server's time per job in the fetch and completion scripts (ScriptCost)
//   --bulk postgres 200 3         three runs of 200 bulk enqueue calls of 1,000 jobs on one host, one after another
if (args is ["--drain", string drainStore, string drainConcurrency, string drainCount, string drainRuns])
{
    var store = Enum.Parse<Provider>(drainStore, ignoreCase: true);
    int jobs = int.Parse(drainCount, CultureInfo.InvariantCulture);
    int concurrency = int.Parse(drainConcurrency, CultureInfo.InvariantCulture);
    await Measurements.DrainAsync(store, concurrency, Math.Min(jobs, 1_000));
    for (int run = 0; run < int.Parse(drainRuns, CultureInfo.InvariantCulture); run++)
    {
        DrainResult drained = await Measurements.DrainAsync(store, concurrency, jobs);
        Console.WriteLine(FormattableString.Invariant(
            $"{store} drain c{concurrency}: {drained.JobsPerSecond:F0} jobs/s, {drained.BytesPerJob:F0} B/job, client CPU {drained.ProcessorMicrosecondsPerJob:F1} us/job, GC pause {drained.GcPause.TotalMilliseconds:F0} ms"));
    }

    return 0;
}

if (args is ["--bulk", string bulkStore, string bulkCalls, string bulkRuns])
{
    var store = Enum.Parse<Provider>(bulkStore, ignoreCase: true);
    foreach (BulkResult bulk in await Measurements.BulkAsync(store, int.Parse(bulkCalls, CultureInfo.InvariantCulture), int.Parse(bulkRuns, CultureInfo.InvariantCulture)))
    {
        Console.WriteLine(FormattableString.Invariant(
            $"{store} bulk enqueue: {bulk.JobsPerSecond:F0} jobs/s, client CPU {bulk.ProcessorMicrosecondsPerJob:F2} us/job"));
    }

    return 0;
}

if (args is ["--script-cost", string costJobs, string costBatch])
{
    return await ScriptCost.RunAsync(int.Parse(costJobs, CultureInfo.InvariantCulture), int.Parse(costBatch, CultureInfo.InvariantCulture), Console.Out);
}

if (args is ["--latency", string latencyStore, string latencyCount, string latencyRuns])
{
    var store = Enum.Parse<Provider>(latencyStore, ignoreCase: true);
    for (int run = 0; run < int.Parse(latencyRuns, CultureInfo.InvariantCulture); run++)
    {
        LatencyResult sampled = await Measurements.LatencyAsync(store, int.Parse(latencyCount, CultureInfo.InvariantCulture), warmup: 20);
        Console.WriteLine(FormattableString.Invariant($"{store} latency: p50 {sampled.P50Milliseconds:F3} ms, p99 {sampled.P99Milliseconds:F3} ms"));
    }

    return 0;
}

if (args is ["--postgres-schema"])
{
    Console.Write(JobQueue.PostgresMigrations.GetScript());
    return 0;
}

if (args.Length == 0 || args[0] != "--raw")
{
    BenchmarkSwitcher.FromAssembly(typeof(BenchHost).Assembly).Run(args, DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator));
    return 0;
}

string rawPath = args[1];
string outPath = args[Array.IndexOf(args, "--out") + 1];
string plotPath = args[Array.IndexOf(args, "--plot") + 1];
bool quick = BenchEnvironment.Quick;
_ = Report.LoadAtSuitesStart;
var results = new Results(RawLimits.Read(rawPath));

// In-process: no per-benchmark project build (minutes on two cores), and the servers' addresses come from this
// process's environment. Fixed invocation counts keep the stores from growing without bound.
Job baseJob = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(quick ? 1 : 2)
    .WithIterationCount(quick ? 3 : 10)
    .WithUnrollFactor(1);
if (BenchEnvironment.IsAvailable(Provider.InMemory))
{
    Run<RawChannelBenchmarks>(baseJob.WithInvocationCount(quick ? 4 : 16), results);
    CopyRaw("RawChannelBenchmarks.WriteThenRead", "channel.write_read", results);
    CopyRaw("RawChannelBenchmarks.ProducerConsumer", "channel.producer_consumer", results);
    Run<RawRetainBenchmarks>(baseJob.WithInvocationCount(quick ? 8 : 32), results);
    CopyRaw("RawRetainBenchmarks.AddRetained", "retain.add", results);
    Run<InMemoryEnqueueBenchmarks>(baseJob.WithInvocationCount(quick ? 8 : 32), results);
    Run<InMemoryProcessingBenchmarks>(baseJob.WithInvocationCount(1), results);
}

if (BenchEnvironment.DurableProviders().Any())
{
    // Longer iterations and more warm-up than the in-memory suites: with 4 calls an iteration lasted about 60 ms,
    // under BenchmarkDotNet's 100 ms minimum, so one slow disk flush moved an iteration by half; and the 8 warm-up
    // calls of a bulk enqueue ran the COPY path mostly on unoptimised code (the client spent 20-45 us of CPU per job
    // over its first 60 calls, about 3 us once tiered up: `--bulk postgres 4 40` shows it run by run).
    Job durableJob = baseJob.WithInvocationCount(quick ? 2 : 16).WithWarmupCount(quick ? 1 : 6);
    // PostgreSQL's bulk enqueue runs last and on its own, between two readings of the COPY it is compared with.
    static bool IsPostgresBulk(BenchmarkCase c)
        => c.Descriptor.WorkloadMethod.Name == nameof(EnqueueBenchmarks.EnqueueMany1000) && c.Parameters.Items.Any(p => p.Value is Provider.Postgres);
    Run<DurableEnqueueBenchmarks>(durableJob, results, c => !IsPostgresBulk(c));
    if (BenchEnvironment.IsAvailable(Provider.Postgres))
    {
        await BesideCeiling.AroundAsync("pg.copy.store.beside", "JOBQUEUE_BENCH_BESIDE_PG_COPY_STORE", results,
            () => { Run<DurableEnqueueBenchmarks>(durableJob, results, IsPostgresBulk); return Task.CompletedTask; });
    }
}

int drainJobs = BenchEnvironment.ReadInt("JOBQUEUE_BENCH_DRAIN_JOBS", quick ? 2_000 : 50_000);
int historyRows = BenchEnvironment.ReadInt("JOBQUEUE_BENCH_HISTORY_ROWS", quick ? 20_000 : 1_000_000);
int historyJobs = BenchEnvironment.ReadInt("JOBQUEUE_BENCH_HISTORY_JOBS", quick ? 2_000 : 20_000);
int latencySamples = BenchEnvironment.ReadInt("JOBQUEUE_BENCH_LATENCY_SAMPLES", 500);
int drainRepeats = quick ? 1 : 3;
int latencyRepeats = quick ? 1 : 3;
results.Settings["drain jobs (N)"] = drainJobs;
results.Settings["drains per figure (median)"] = drainRepeats;
results.Settings["history rows"] = historyRows;
results.Settings["history drain jobs"] = historyJobs;
results.Settings["latency samples"] = latencySamples;
results.Settings["latency runs per figure (median)"] = latencyRepeats;

var singles = new[] { Provider.InMemory }.Where(BenchEnvironment.IsAvailable).Concat(BenchEnvironment.DurableProviders()).ToList();
foreach (Provider provider in singles)
{
    // A small warm-up drain first: JIT, connection pools and the store's first pages are not the subject.
    await Measurements.DrainAsync(provider, 10, Math.Min(drainJobs, 1_000));
    await (provider is Provider.Redis
        ? BesideCeiling.AroundAsync("redis.lpush.c50.beside", "JOBQUEUE_BENCH_BESIDE_REDIS_LPUSH_C50", results, DrainsAsync,
            () => RedisSettling.WaitForNoRewriteAsync(BenchEnvironment.Redis!))
        : DrainsAsync());

    // The median p50 and the median p99 of a few runs: the p99 of 500 samples is their fifth slowest, so one stall of
    // the shared machine in one run decided it on its own (Redis p99 went 1.1 to 4.1 ms between full runs).
    var latencies = new List<LatencyResult>(latencyRepeats);
    for (int repeat = 0; repeat < latencyRepeats; repeat++)
    {
        latencies.Add(await Measurements.LatencyAsync(provider, latencySamples, warmup: 20));
    }

    double p50 = Median(latencies.Select(l => l.P50Milliseconds));
    double p99 = Median(latencies.Select(l => l.P99Milliseconds));
    results.Add($"{provider}.latency.p50", p50);
    results.Add($"{provider}.latency.p99", p99);
    results.LatencyRuns[provider.ToString()] = latencies;
    Console.WriteLine($"# {provider} latency p50 {p50:F3} ms, p99 {p99:F3} ms (medians of {latencies.Count} runs)");

    async Task DrainsAsync()
    {
        foreach (int concurrency in new[] { 10, 50 })
        {
            // The median of a few drains, each on a fresh host: an in-memory drain lasts a fraction of a second, so one
            // garbage collection or thread-pool hiccup on the shared machine moved a single drain by a factor of three.
            var drains = new List<DrainResult>(drainRepeats);
            for (int repeat = 0; repeat < drainRepeats; repeat++)
            {
                DrainResult sample = await Measurements.DrainAsync(provider, concurrency, drainJobs);
                drains.Add(sample);
                Console.WriteLine($"# {provider} drain c{concurrency} #{repeat + 1}: {sample.JobsPerSecond:F0} jobs/s ({sample.Elapsed.TotalSeconds:F2} s, GC pause {sample.GcPause.TotalMilliseconds:F0} ms)");
            }

            DrainResult drain = drains.OrderBy(d => d.JobsPerSecond).ElementAt(drains.Count / 2);
            results.Add($"{provider}.drain.c{concurrency}", drain.JobsPerSecond);
            results.Samples[$"{provider}.drain.c{concurrency}"] = drains.Select(d => d.JobsPerSecond).ToList();
            results.Add($"{provider}.drain.c{concurrency}.bytes", drain.BytesPerJob);
            Console.WriteLine($"# {provider} drain c{concurrency}: median {drain.JobsPerSecond:F0} jobs/s of {string.Join(", ", drains.Select(d => d.JobsPerSecond.ToString("F0", CultureInfo.InvariantCulture)))}");
        }
    }
}

// PostgreSQL first: its commits wait for the disk, so it must not run while the kernel is still writing back
// the million rows of SQLite's history file (in one full run that alone took its ratio from about 100 % to 69 %).
foreach (Provider provider in new[] { Provider.Postgres, Provider.Sqlite }.Where(BenchEnvironment.IsAvailable))
{
    // Alternated and the better of two kept for each: one drain takes seconds, so a burst of outside load on the
    // shared machine could otherwise decide the ratio on its own; both sides are treated alike.
    DrainResult empty = await Measurements.DrainAsync(provider, 10, historyJobs);
    DrainResult full = await Measurements.DrainAsync(provider, 10, historyJobs, historyRows);
    empty = Faster(empty, await Measurements.DrainAsync(provider, 10, historyJobs));
    full = Faster(full, await Measurements.DrainAsync(provider, 10, historyJobs, historyRows));
    results.Add($"{provider}.history.empty", empty.JobsPerSecond);
    results.Add($"{provider}.history.full", full.JobsPerSecond);
    Console.WriteLine($"# {provider} history: empty {empty.JobsPerSecond:F0} jobs/s (GC pause {empty.GcPause.TotalMilliseconds:F0} ms), " +
        $"{historyRows} finished rows {full.JobsPerSecond:F0} jobs/s (GC pause {full.GcPause.TotalMilliseconds:F0} ms)");
}

if (BenchEnvironment.IsAvailable(Provider.Sqlite))
{
    (double sqliteOne, double sqliteBulk) = RawSqlite.Measure(quick ? 500 : 3_000, quick ? 20_000 : 200_000);
    results.Raw["sqlite.insert.one"] = sqliteOne;
    results.Raw["sqlite.insert.bulk"] = sqliteBulk;
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
await File.WriteAllTextAsync(outPath, Report.Markdown(results, quick, Path.GetFileName(Path.ChangeExtension(outPath, ".svg"))));
string plotData = Report.PlotData(results);
await File.WriteAllTextAsync(plotPath, plotData);
string stamp = Path.GetFileNameWithoutExtension(outPath);
await File.WriteAllTextAsync(Path.ChangeExtension(outPath, ".svg"),
    SvgPlot.Render(SvgPlot.Parse(plotData), $"JobQueue throughput per provider against the storage's raw limit (same run, {stamp})"));
Console.WriteLine("# wrote " + outPath);

// benchmarks/peers.sh reads the figures it sets beside other job systems from here: "key TAB value" per line.
if (Array.IndexOf(args, "--figures") is int figuresAt and >= 0)
{
    await File.WriteAllLinesAsync(args[figuresAt + 1], results.Figures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key}\t{f.Value}")));
}

return 0;

static double Median(IEnumerable<double> values)
{
    double[] sorted = [.. values.Order()];
    return sorted[sorted.Length / 2];
}

static DrainResult Faster(DrainResult a, DrainResult b) => a.JobsPerSecond >= b.JobsPerSecond ? a : b;

static void CopyRaw(string figure, string raw, Results results)
{
    if (results.Figure(figure) is { } value)
    {
        results.Raw[raw] = value;
    }
}

static void Run<T>(Job job, Results results, Func<BenchmarkCase, bool>? filter = null)
{
    IConfig config = DefaultConfig.Instance
        .AddJob(job)
        .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary)
        .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "jobqueue-bench-artifacts"));
    if (filter is not null)
    {
        config = config.AddFilter(new SimpleFilter(filter));
    }

    Summary summary = BenchmarkRunner.Run<T>(config);
    foreach (BenchmarkReport report in summary.Reports)
    {
        if (report.ResultStatistics is null)
        {
            continue;
        }

        string method = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
        string parameters = string.Concat(report.BenchmarkCase.Parameters.Items.Select(p => "." + Convert.ToString(p.Value, CultureInfo.InvariantCulture)));
        string key = typeof(T).Name + "." + method + parameters;
        results.Add(key, 1e9 / report.ResultStatistics.Mean);
        if (report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) is { } bytes)
        {
            results.Add(key + ".bytes", bytes);
        }
    }
}
