using System.Diagnostics;
using System.Globalization;

namespace JobQueue.Benchmarks;

/// <summary>The flow benchmark's job: stamps its handler's start and counts, nothing more.</summary>
[JobName("bench-flow")]
internal sealed record FlowArgs(int N);

internal sealed class FlowJob(FlowProbe probe) : IJob<FlowArgs>
{
    public Task ExecuteAsync(FlowArgs args, JobContext context, CancellationToken cancellationToken)
    {
        probe.Started(args.N);
        return Task.CompletedTask;
    }
}

/// <summary>Handler start times by job number, and a signal when the armed number of jobs has started.</summary>
internal sealed class FlowProbe
{
    private long[] _starts = [];
    private int _count;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Arm(int jobs)
    {
        _starts = new long[jobs];
        _count = 0;
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _done.Task;
    }

    public void Started(int n)
    {
        _starts[n] = Stopwatch.GetTimestamp();
        if (Interlocked.Increment(ref _count) == _starts.Length)
        {
            _done.TrySetResult();
        }
    }

    public long StartOf(int n) => _starts[n];
}

/// <summary>
/// Processing under per-key limits beside the same jobs without limits (Stopwatch-timed, one run after a warm-up, like
/// <see cref="Measurements"/>): 10,000 jobs with distinct keys at a limit of 1 per key, and one hot key (1,000 jobs) among
/// 1,000 cold keys (one job each), interleaved at random. For the second, the figure is how soon the cold keys' jobs start.
/// </summary>
internal static class FlowMeasurements
{
    private const string FlowQueue = "flow";
    private static readonly TimeSpan s_deadline = TimeSpan.FromMinutes(10);

    public sealed record Run(string Provider, string Scenario, bool Limited, int Jobs, double JobsPerSecond, double ColdP50Ms, double ColdP99Ms);

    public static async Task<IReadOnlyList<Run>> RunAsync(Provider provider, int concurrency, TextWriter log)
    {
        var runs = new List<Run>();
        int distinct = BenchEnvironment.ReadInt("JOBQUEUE_BENCH_FLOW_JOBS", BenchEnvironment.Quick ? 1_000 : 10_000);
        int cold = BenchEnvironment.Quick ? 200 : 1_000;
        foreach (bool limited in new[] { false, true })
        {
            // A warm-up of each shape, then the measured run.
            await MeasureAsync(provider, concurrency, limited, DistinctKeys(distinct / 10), coldOnly: false).ConfigureAwait(false);
            Run run = await MeasureAsync(provider, concurrency, limited, DistinctKeys(distinct), coldOnly: false).ConfigureAwait(false);
            runs.Add(run with { Scenario = $"{distinct:N0} distinct keys" });
            await log.WriteLineAsync(Describe(runs[^1])).ConfigureAwait(false);
        }

        foreach (bool limited in new[] { false, true })
        {
            Run run = await MeasureAsync(provider, concurrency, limited, HotAndCold(cold), coldOnly: true).ConfigureAwait(false);
            runs.Add(run with { Scenario = $"1 hot key ({cold:N0} jobs) among {cold:N0} cold keys" });
            await log.WriteLineAsync(Describe(runs[^1])).ConfigureAwait(false);
        }

        return runs;
    }

    public static string Describe(Run run) => string.Create(CultureInfo.InvariantCulture,
        $"| {run.Provider} | {run.Scenario} | {(run.Limited ? "1 per key" : "none")} | {run.Jobs:N0} | {run.JobsPerSecond:N0} | {run.ColdP50Ms:0.0} | {run.ColdP99Ms:0.0} |");

    /// <summary>Keys by job number; a cold job is one whose key has one job.</summary>
    private static (string Key, bool Cold)[] DistinctKeys(int jobs)
        => Enumerable.Range(0, jobs).Select(i => ($"k{i}", true)).ToArray();

    private static (string Key, bool Cold)[] HotAndCold(int cold)
    {
        var jobs = Enumerable.Range(0, cold).Select(i => ($"cold{i}", true))
            .Concat(Enumerable.Range(0, cold).Select(_ => ("hot", false)))
            .ToArray();
        new Random(42).Shuffle(jobs);
        return jobs;
    }

    private static async Task<Run> MeasureAsync(Provider provider, int concurrency, bool limited, (string Key, bool Cold)[] jobs, bool coldOnly)
    {
        await using BenchHost host = await BenchHost.StartAsync(provider, concurrency, worker: true, q =>
        {
            q.AddJob<FlowJob>(j =>
            {
                j.Queue = FlowQueue;
                j.ConcurrencyPerKey = limited ? 1 : null;
            });
            q.AddQueue(FlowQueue, concurrency);
        }).ConfigureAwait(false);

        // Filled in bulk calls of one key each would be too many calls; one call per job is the realistic shape.
        const int chunk = 100;
        for (int done = 0; done < jobs.Length; done += chunk)
        {
            await Task.WhenAll(Enumerable.Range(done, Math.Min(chunk, jobs.Length - done)).Select(i =>
                host.Client.EnqueueAsync(new FlowArgs(i), new EnqueueOptions { LimitKey = limited ? jobs[i].Key : null }).AsTask())).ConfigureAwait(false);
        }

        FlowProbe probe = host.Flow;
        Task allStarted = probe.Arm(jobs.Length);
        long start = Stopwatch.GetTimestamp();
        await host.StartWorkerAsync().ConfigureAwait(false);
        await allStarted.WaitAsync(s_deadline).ConfigureAwait(false);
        await host.Running.WhenEmptyAsync().WaitAsync(s_deadline).ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);

        double[] coldWaits = Enumerable.Range(0, jobs.Length).Where(i => !coldOnly || jobs[i].Cold)
            .Select(i => Stopwatch.GetElapsedTime(start, probe.StartOf(i)).TotalMilliseconds).Order().ToArray();
        return new Run(provider.ToString(), "", limited, jobs.Length, jobs.Length / elapsed.TotalSeconds,
            Percentile(coldWaits, 0.5), Percentile(coldWaits, 0.99));
    }

    private static double Percentile(double[] sorted, double fraction)
        => sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}
