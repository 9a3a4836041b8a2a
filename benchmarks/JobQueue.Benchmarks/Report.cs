using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace JobQueue.Benchmarks;

/// <summary>Writes results/DATE.md (every figure, its raw limit, the ratio, the issue's targets) and the plot's data.</summary>
internal static class Report
{
    private static readonly CultureInfo s_en = CultureInfo.InvariantCulture;

    /// <summary>The load average when the program started, read before the first suite.</summary>
    public static string LoadAtSuitesStart { get; } = LoadAverage();

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private sealed record Row(string Provider, string Scenario, string Key, string RawName, string RawKey);

    private static IEnumerable<Row> Throughput()
    {
        const string Channel = "Channel<T> write+read, one thread";
        const string ChannelPc = "Channel<T> producer/consumer tasks";
        yield return new("in-memory", "enqueue, awaited one at a time", "InMemoryEnqueueBenchmarks.EnqueueAwaited", Channel, "channel.write_read");
        yield return new("in-memory", "enqueue, awaited one at a time", "InMemoryEnqueueBenchmarks.EnqueueAwaited", "Dictionary add of a kept 296 B object, one thread", "retain.add");
        yield return new("in-memory", "enqueue, 100 in flight", "InMemoryEnqueueBenchmarks.Enqueue100InFlight", Channel, "channel.write_read");
        yield return new("in-memory", "bulk enqueue, 1,000 per call", "InMemoryEnqueueBenchmarks.EnqueueMany1000", Channel, "channel.write_read");
        yield return new("in-memory", "processing no-op, concurrency 10", "InMemory.drain.c10", ChannelPc, "channel.producer_consumer");
        yield return new("in-memory", "processing no-op, concurrency 50", "InMemory.drain.c50", ChannelPc, "channel.producer_consumer");
        yield return new("in-memory", "processing no-op, concurrency 10 (BenchmarkDotNet)", "InMemoryProcessingBenchmarks.Drain.10", ChannelPc, "channel.producer_consumer");
        yield return new("in-memory", "processing no-op, concurrency 50 (BenchmarkDotNet)", "InMemoryProcessingBenchmarks.Drain.50", ChannelPc, "channel.producer_consumer");

        const string SqliteOne = "INSERT, 1 row per transaction";
        yield return new("SQLite", "enqueue, awaited one at a time", "DurableEnqueueBenchmarks.EnqueueAwaited.Sqlite", SqliteOne, "sqlite.insert.one");
        yield return new("SQLite", "enqueue, 100 in flight", "DurableEnqueueBenchmarks.Enqueue100InFlight.Sqlite", SqliteOne, "sqlite.insert.one");
        yield return new("SQLite", "bulk enqueue, 1,000 per call", "DurableEnqueueBenchmarks.EnqueueMany1000.Sqlite", "INSERT, 1,000 rows per transaction, 50 per statement", "sqlite.insert.bulk");
        yield return new("SQLite", "processing no-op, concurrency 10", "Sqlite.drain.c10", SqliteOne, "sqlite.insert.one");
        yield return new("SQLite", "processing no-op, concurrency 50", "Sqlite.drain.c50", SqliteOne, "sqlite.insert.one");

        yield return new("Redis", "enqueue, awaited one at a time", "DurableEnqueueBenchmarks.EnqueueAwaited.Redis", "LPUSH -c 1 -P 1", "redis.lpush.c1p1");
        yield return new("Redis", "enqueue, 100 in flight", "DurableEnqueueBenchmarks.Enqueue100InFlight.Redis", "LPUSH -c 50", "redis.lpush.c50");
        yield return new("Redis", "bulk enqueue, 1,000 per call", "DurableEnqueueBenchmarks.EnqueueMany1000.Redis", "LPUSH -c 1 -P 64", "redis.lpush.p64");
        yield return new("Redis", "processing no-op, concurrency 10", "Redis.drain.c10", "LPUSH -c 50", "redis.lpush.c50");
        yield return new("Redis", "processing no-op, concurrency 50", "Redis.drain.c50", "LPUSH -c 50", "redis.lpush.c50");
        const string LpushBeside = "LPUSH -c 50 just before and after the drains (mean)";
        yield return new("Redis", "processing no-op, concurrency 10", "Redis.drain.c10", LpushBeside, "redis.lpush.c50.beside");
        yield return new("Redis", "processing no-op, concurrency 50", "Redis.drain.c50", LpushBeside, "redis.lpush.c50.beside");

        yield return new("PostgreSQL", "enqueue, awaited one at a time", "DurableEnqueueBenchmarks.EnqueueAwaited.Postgres", "pgbench INSERT/tx, 1 client", "pg.insert.c1");
        yield return new("PostgreSQL", "enqueue, 100 in flight", "DurableEnqueueBenchmarks.Enqueue100InFlight.Postgres", "pgbench INSERT/tx, 8 clients", "pg.insert.c8");
        yield return new("PostgreSQL", "bulk enqueue, 1,000 per call", "DurableEnqueueBenchmarks.EnqueueMany1000.Postgres", "COPY 1,000,000 rows", "pg.copy");
        yield return new("PostgreSQL", "bulk enqueue, 1,000 per call", "DurableEnqueueBenchmarks.EnqueueMany1000.Postgres", "COPY 1,000,000 rows into the store's table (its indexes)", "pg.copy.store");
        yield return new("PostgreSQL", "bulk enqueue, 1,000 per call", "DurableEnqueueBenchmarks.EnqueueMany1000.Postgres", "COPY 1,000,000 rows into the store's table just before and after it (mean)", "pg.copy.store.beside");
        yield return new("PostgreSQL", "processing no-op, concurrency 10", "Postgres.drain.c10", "pgbench INSERT/tx, 8 clients", "pg.insert.c8");
        yield return new("PostgreSQL", "processing no-op, concurrency 50", "Postgres.drain.c50", "pgbench INSERT/tx, 8 clients", "pg.insert.c8");
    }

    public static string Markdown(Results r, bool quick, string plotFile)
    {
        var md = new StringBuilder();
        md.AppendLine(s_en, $"# JobQueue benchmark results, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC ({(quick ? "--quick: small counts, a smoke check, not for quoting" : "full run")})");
        md.AppendLine();
        md.AppendLine(s_en, $"Machine: `nproc` {Env("JOBQUEUE_BENCH_NPROC") ?? Environment.ProcessorCount.ToString(s_en)}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, commit {Env("JOBQUEUE_BENCH_COMMIT") ?? "unknown"}. Servers were started by run.sh on loopback; see docs/performance.md for their settings and what each figure means.");
        md.AppendLine();
        md.AppendLine(s_en, $"Load average (1, 5, 15 min): {Env("JOBQUEUE_BENCH_LOAD_START") ?? "n/a"} at the start of run.sh, {LoadAtSuitesStart} when the suites started, {LoadAverage()} when they ended, @LOAD_END@ at the end of run.sh; wall time @WALL@. The machine is shared with other engineers' builds and tests, so a load above 0 means the figures were taken beside other work on the same 2 cores.");
        md.AppendLine();
        md.AppendLine("Settings: " + string.Join(", ", r.Settings.Select(s => s.Key + " " + s.Value.ToString("N0", s_en))) + ".");
        string[] experiments = [.. new[] { "JOBQUEUE_BENCH_ONLY", "JOBQUEUE_BENCH_REDIS_SOCKETS", "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS" }
            .Where(name => Env(name) is not null).Select(name => $"{name}={Env(name)}")];
        if (experiments.Length > 0)
        {
            md.AppendLine();
            md.AppendLine("Run with " + string.Join(", ", experiments) + ".");
        }
        md.AppendLine();
        md.AppendLine("## Throughput beside the raw limit");
        md.AppendLine();
        md.AppendLine("| provider | scenario | measured (jobs/s) | raw limit | raw (ops/s) | ratio |");
        md.AppendLine("|---|---|---:|---|---:|---:|");
        foreach (Row row in Throughput())
        {
            double? value = r.Figure(row.Key);
            double? raw = r.RawLimit(row.RawKey);
            string rawName = r.RawLimit("pg.copy.rows") is { } rows ? row.RawKey switch
            {
                "pg.copy" => $"COPY of {rows.ToString("N0", s_en)} rows",
                "pg.copy.store" => $"COPY of {rows.ToString("N0", s_en)} rows into the store's table (its indexes)",
                "pg.copy.store.beside" => $"COPY of {rows.ToString("N0", s_en)} rows into the store's table just before and after it (mean)",
                _ => row.RawName,
            } : row.RawName;
            md.AppendLine(s_en, $"| {row.Provider} | {row.Scenario} | {Rate(value)} | {rawName} | {Rate(raw)} | {Ratio(value, raw)} |");
        }

        md.AppendLine();
        md.AppendLine("## Latency: EnqueueAsync to handler start, idle worker");
        md.AppendLine();
        md.AppendLine("| provider | p50 (ms) | p99 (ms) | raw round trip | raw p50 (ms) | raw p99 (ms) |");
        md.AppendLine("|---|---:|---:|---|---:|---:|");
        (string Name, string Provider, string RawName, double? RawP50, double? RawP99)[] latencyRows =
        [
            ("in-memory", "InMemory", "none", null, null),
            ("SQLite", "Sqlite", "1 / (INSERT per transaction rate), mean", Inverse(r.RawLimit("sqlite.insert.one")), null),
            ("Redis", "Redis", "redis-benchmark LPUSH -c 1 -P 1", r.RawLimit("redis.lpush.c1p1.p50"), r.RawLimit("redis.lpush.c1p1.p99")),
            ("PostgreSQL", "Postgres", "pgbench INSERT/tx, 1 client, mean", r.RawLimit("pg.insert.c1.latency"), null),
        ];
        foreach ((string name, string provider, string rawName, double? rawP50, double? rawP99) in latencyRows)
        {
            md.AppendLine(s_en, $"| {name} | {Ms(r.Figure(provider + ".latency.p50"))} | {Ms(r.Figure(provider + ".latency.p99"))} | {rawName} | {Ms(rawP50)} | {Ms(rawP99)} |");
        }

        if (r.LatencyRuns.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Each latency figure is the median of its runs' p50 and the median of their p99, runs in the order they ran:");
            md.AppendLine();
            md.AppendLine("| provider | p50 of each run (ms) | p99 of each run (ms) |");
            md.AppendLine("|---|---|---|");
            foreach ((string name, string provider, _, _, _) in latencyRows)
            {
                if (r.LatencyRuns.TryGetValue(provider, out IReadOnlyList<LatencyResult>? runs))
                {
                    md.AppendLine(s_en, $"| {name} | {string.Join(" / ", runs.Select(l => Ms(l.P50Milliseconds)))} | {string.Join(" / ", runs.Select(l => Ms(l.P99Milliseconds)))} |");
                }
            }
        }

        if (r.Samples.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Processing drains (each processing figure above is the median of its drains)");
            md.AppendLine();
            md.AppendLine("| figure | drains, in the order they ran (jobs/s) |");
            md.AppendLine("|---|---|");
            foreach ((string key, IReadOnlyList<double> drains) in r.Samples)
            {
                md.AppendLine(s_en, $"| {key} | {string.Join(" / ", drains.Select(d => Rate(d)))} |");
            }
        }

        md.AppendLine();
        md.AppendLine("## Fetch cost with history (processing at concurrency 10, the better of two alternated drains each)");
        md.AppendLine();
        md.AppendLine("| provider | empty table (jobs/s) | with finished rows (jobs/s) | ratio | target |");
        md.AppendLine("|---|---:|---:|---:|---|");
        foreach ((string name, string provider) in new[] { ("SQLite", "Sqlite"), ("PostgreSQL", "Postgres") })
        {
            double? empty = r.Figure(provider + ".history.empty");
            double? full = r.Figure(provider + ".history.full");
            md.AppendLine(s_en, $"| {name} | {Rate(empty)} | {Rate(full)} | {Ratio(full, empty)} | >= 80 % |");
        }

        md.AppendLine();
        md.AppendLine("## Allocations");
        md.AppendLine();
        md.AppendLine("| measure | bytes per job | source |");
        md.AppendLine("|---|---:|---|");
        foreach ((string label, string key, string source) in new[]
        {
            ("in-memory enqueue, awaited", "InMemoryEnqueueBenchmarks.EnqueueAwaited.bytes", "memory diagnoser"),
            ("in-memory enqueue, 100 in flight", "InMemoryEnqueueBenchmarks.Enqueue100InFlight.bytes", "memory diagnoser (includes Task.Run per caller)"),
            ("in-memory bulk enqueue", "InMemoryEnqueueBenchmarks.EnqueueMany1000.bytes", "memory diagnoser"),
            ("in-memory processed job, concurrency 10", "InMemoryProcessingBenchmarks.Drain.10.bytes", "memory diagnoser, all threads"),
            ("in-memory processed job, concurrency 50", "InMemoryProcessingBenchmarks.Drain.50.bytes", "memory diagnoser, all threads"),
            ("SQLite enqueue, awaited", "DurableEnqueueBenchmarks.EnqueueAwaited.Sqlite.bytes", "memory diagnoser"),
            ("Redis enqueue, awaited", "DurableEnqueueBenchmarks.EnqueueAwaited.Redis.bytes", "memory diagnoser"),
            ("PostgreSQL enqueue, awaited", "DurableEnqueueBenchmarks.EnqueueAwaited.Postgres.bytes", "memory diagnoser"),
            ("SQLite processed job, concurrency 10", "Sqlite.drain.c10.bytes", "GC.GetTotalAllocatedBytes over the drain"),
            ("Redis processed job, concurrency 10", "Redis.drain.c10.bytes", "GC.GetTotalAllocatedBytes over the drain"),
            ("PostgreSQL processed job, concurrency 10", "Postgres.drain.c10.bytes", "GC.GetTotalAllocatedBytes over the drain"),
        })
        {
            md.AppendLine(s_en, $"| {label} | {Bytes(r.Figure(key))} | {source} |");
        }

        md.AppendLine();
        md.AppendLine("## Raw limits measured in this run");
        md.AppendLine();
        md.AppendLine("| key | value |");
        md.AppendLine("|---|---:|");
        foreach (KeyValuePair<string, double> raw in r.Raw.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string readings = r.RawSamples.TryGetValue(raw.Key, out IReadOnlyList<double>? samples)
                ? " (mean of " + string.Join(" before, ", samples.Select(v => v.ToString("N0", s_en))) + " after)"
                : "";
            md.AppendLine(s_en, $"| {raw.Key}{readings} | {raw.Value.ToString("N2", s_en)} |");
        }

        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        List<Target> targets = Targets(r).ToList();
        md.AppendLine(s_en, $"{targets.Count(t => t.Verdict == "**met**")} met, {targets.Count(t => t.Verdict == "**missed**")} missed, {targets.Count(t => t.Verdict == "not measured")} not measured.");
        md.AppendLine();
        md.AppendLine("| provider | measure | target | measured | verdict |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (Target t in targets)
        {
            md.AppendLine(s_en, $"| {t.Provider} | {t.Measure} | {t.Goal} | {t.Measured} | {t.Verdict} |");
        }

        md.AppendLine();
        md.AppendLine(s_en, $"![throughput against raw limit]({plotFile})");
        return md.ToString();
    }

    /// <summary>Rows for the plot (SvgPlot): label, measured, raw limit (both per second), tab-separated.</summary>
    public static string PlotData(Results r)
    {
        var data = new StringBuilder();
        // One bar per figure: a figure shown beside a second raw limit is plotted against its first.
        foreach (Row row in Throughput().Where(row => !row.Scenario.Contains("BenchmarkDotNet", StringComparison.Ordinal)).DistinctBy(row => row.Key))
        {
            if (r.Figure(row.Key) is { } value)
            {
                string label = row.Provider + " " + row.Scenario.Replace("enqueue, awaited one at a time", "enqueue 1", StringComparison.Ordinal)
                    .Replace("enqueue, 100 in flight", "enqueue 100", StringComparison.Ordinal)
                    .Replace("bulk enqueue, 1,000 per call", "bulk", StringComparison.Ordinal)
                    .Replace("processing no-op, concurrency ", "drain c", StringComparison.Ordinal);
                data.AppendLine(s_en, $"\"{label}\"\t{value:F1}\t{r.RawLimit(row.RawKey) ?? double.NaN:F1}");
            }
        }

        return data.ToString();
    }

    private sealed record Target(string Provider, string Measure, string Goal, string Measured, string Verdict);

    private static IEnumerable<Target> Targets(Results r)
    {
        yield return AtLeast("in-memory", "enqueue, 1 producer", r.Figure("InMemoryEnqueueBenchmarks.EnqueueAwaited"), 1_000_000, ">= 1,000,000 jobs/s");
        yield return AtMost("in-memory", "bytes per enqueue", r.Figure("InMemoryEnqueueBenchmarks.EnqueueAwaited.bytes"), 300, "<= 300 B", "B");
        yield return AtLeast("in-memory", "processing no-op (c10 / c50, best)", Max(r.Figure("InMemory.drain.c10"), r.Figure("InMemory.drain.c50")), 300_000, ">= 300,000 jobs/s");
        yield return AtMost("in-memory", "latency p50", r.Figure("InMemory.latency.p50") * 1000, 50, "<= 50 us", "us");

        double? lpush = r.RawLimit("redis.lpush.c1p1");
        yield return AtLeast("Redis", "enqueue awaited", r.Figure("DurableEnqueueBenchmarks.EnqueueAwaited.Redis"), lpush * 0.8, ">= 80 % of LPUSH -c 1 -P 1");
        yield return AtLeast("Redis", "enqueue 100 in flight", r.Figure("DurableEnqueueBenchmarks.Enqueue100InFlight.Redis"), 150_000, ">= 150,000 jobs/s");
        yield return AtLeast("Redis", "bulk enqueue", r.Figure("DurableEnqueueBenchmarks.EnqueueMany1000.Redis"), 200_000, ">= 200,000 jobs/s");
        yield return AtLeast("Redis", "processing no-op (best)", Max(r.Figure("Redis.drain.c10"), r.Figure("Redis.drain.c50")), 60_000, ">= 60,000 jobs/s");
        yield return AtMost("Redis", "latency p50", r.Figure("Redis.latency.p50"), 0.4, "<= 0.4 ms", "ms");
        yield return AtMost("Redis", "latency p99", r.Figure("Redis.latency.p99"), 2, "<= 2 ms", "ms");
        // Newer targets, for the rows where another job system was still level (Redis processing and tail latency
        // here, PostgreSQL bulk enqueue below). The older targets for the same figures stay: they are the history.
        // The newer ratio targets divide by the limit measured beside their figure when there is one (BesideCeiling).
        (double? lpushC50, string lpushWhen) = Divisor(r, "redis.lpush.c50", "just before and after the drains");
        yield return AtLeast("Redis", "processing no-op (best of c10/c50), newer target", Max(r.Figure("Redis.drain.c10"), r.Figure("Redis.drain.c50")), lpushC50 * 0.28, ">= 28 % of LPUSH -c 50 " + lpushWhen);
        yield return AtMost("Redis", "latency p99, newer target", r.Figure("Redis.latency.p99"), 2.5, "<= 2.5 ms", "ms");
        yield return AtMost("Redis", "latency p50, newer target", r.Figure("Redis.latency.p50"), 0.64, "<= 0.64 ms (no worse than before)", "ms");

        double? insert = r.RawLimit("pg.insert.c1");
        yield return AtLeast("PostgreSQL", "enqueue awaited", r.Figure("DurableEnqueueBenchmarks.EnqueueAwaited.Postgres"), insert * 0.9, ">= 90 % of pgbench INSERT/tx, 1 client");
        yield return AtLeast("PostgreSQL", "enqueue 100 in flight", r.Figure("DurableEnqueueBenchmarks.Enqueue100InFlight.Postgres"), 20_000, ">= 20,000 jobs/s");
        yield return AtLeast("PostgreSQL", "bulk enqueue (COPY)", r.Figure("DurableEnqueueBenchmarks.EnqueueMany1000.Postgres"), r.RawLimit("pg.copy") * 0.7, ">= 70 % of raw COPY");
        (double? copyStore, string copyWhen) = Divisor(r, "pg.copy.store", "just before and after it");
        yield return AtLeast("PostgreSQL", "bulk enqueue, newer target (COPY into its own table)", r.Figure("DurableEnqueueBenchmarks.EnqueueMany1000.Postgres"), copyStore * 0.8, ">= 80 % of COPY into the store's table " + copyWhen);
        yield return AtLeast("PostgreSQL", "processing no-op (best)", Max(r.Figure("Postgres.drain.c10"), r.Figure("Postgres.drain.c50")), 10_000, ">= 10,000 jobs/s");
        yield return AtMost("PostgreSQL", "latency p50", r.Figure("Postgres.latency.p50"), 2, "<= 2 ms", "ms");
        yield return AtMost("PostgreSQL", "latency p99", r.Figure("Postgres.latency.p99"), 10, "<= 10 ms", "ms");
        yield return AtLeast("PostgreSQL", "history: rate with finished rows / empty", Ratio01(r.Figure("Postgres.history.full"), r.Figure("Postgres.history.empty")), 0.8, ">= 80 %", percent: true);

        yield return AtLeast("SQLite", "enqueue awaited", r.Figure("DurableEnqueueBenchmarks.EnqueueAwaited.Sqlite"), 10_000, ">= 10,000 jobs/s");
        yield return AtLeast("SQLite", "bulk enqueue", r.Figure("DurableEnqueueBenchmarks.EnqueueMany1000.Sqlite"), 200_000, ">= 200,000 jobs/s");
        yield return AtLeast("SQLite", "processing no-op (best)", Max(r.Figure("Sqlite.drain.c10"), r.Figure("Sqlite.drain.c50")), 10_000, ">= 10,000 jobs/s");
        yield return AtLeast("SQLite", "history: rate with finished rows / empty", Ratio01(r.Figure("Sqlite.history.full"), r.Figure("Sqlite.history.empty")), 0.8, ">= 80 %", percent: true);
    }

    /// <summary>The limit <paramref name="key"/> read beside its figure (BesideCeiling) when there is one, else the one read at the start of the run.</summary>
    private static (double? Limit, string When) Divisor(Results r, string key, string besideWhen)
        => r.RawLimit(key + ".beside") is { } beside ? (beside, besideWhen) : (r.RawLimit(key), "at the start of the run");

    private static Target AtLeast(string provider, string measure, double? value, double? goal, string goalText, bool percent = false)
        => new(provider, measure, goalText + (goal is { } g && !percent && goalText.Contains('%', StringComparison.Ordinal) ? $" (= {Rate(g)})" : ""),
            percent ? Percent(value) : Rate(value),
            value is null || goal is null ? "not measured" : value >= goal ? "**met**" : "**missed**");

    private static Target AtMost(string provider, string measure, double? value, double goal, string goalText, string unit)
        => new(provider, measure, goalText, value is { } v ? v.ToString(unit == "B" ? "N0" : "N3", s_en) + " " + unit : "not measured",
            value is null ? "not measured" : value <= goal ? "**met**" : "**missed**");

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static double? Ratio01(double? value, double? baseline) => value is { } v && baseline is { } b && b > 0 ? v / b : null;

    private static double? Inverse(double? perSecond) => perSecond is { } p && p > 0 ? 1000 / p : null;

    private static string Rate(double? value) => value is { } v ? v.ToString("N0", s_en) : "n/a";

    private static string Ms(double? value) => value is { } v ? v.ToString("N3", s_en) : "n/a";

    private static string Bytes(double? value) => value is { } v ? v.ToString("N0", s_en) : "n/a";

    private static string Percent(double? value) => value is { } v ? (v * 100).ToString("N0", s_en) + " %" : "n/a";

    private static string Ratio(double? value, double? raw) => Percent(Ratio01(value, raw));
}
