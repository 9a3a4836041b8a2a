using System.Diagnostics;
using JobQueue.Storage;

namespace JobQueue.Benchmarks;

/// <summary>
/// Measurements that do not fit BenchmarkDotNet's repeat-many-times model: a drain of tens of thousands of jobs
/// takes seconds on a durable store, and a latency distribution needs each sample, not a mean. Timed with
/// Stopwatch, one measured run after one smaller warm-up run.
/// </summary>
internal static class Measurements
{
    private const int FillChunk = 1_000;
    private static readonly TimeSpan s_drainDeadline = TimeSpan.FromMinutes(10);

    /// <summary>Enqueues <paramref name="count"/> no-op jobs in bulk calls (not timed).</summary>
    public static async Task FillAsync(IJobClient client, int count)
    {
        for (int done = 0; done < count; done += FillChunk)
        {
            int size = Math.Min(FillChunk, count - done);
            await client.EnqueueManyAsync(Enumerable.Range(done, size).Select(i => new NoopArgs(Guid.NewGuid(), "job-" + i))).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <paramref name="runs"/> runs of <paramref name="calls"/> bulk enqueue calls of <see cref="EnqueueScenarios.Bulk"/>
    /// jobs, one after another on one host (as the BenchmarkDotNet row makes them, iteration by iteration), each
    /// run's jobs per second and this process's CPU per job.
    /// </summary>
    public static async Task<IReadOnlyList<BulkResult>> BulkAsync(Provider provider, int calls, int runs)
    {
        await using BenchHost host = await BenchHost.StartAsync(provider, concurrency: 10, worker: false).ConfigureAwait(false);
        var results = new List<BulkResult>(runs);
        for (int run = 0; run < runs; run++)
        {
            TimeSpan processorBefore = Environment.CpuUsage.TotalTime;
            long start = Stopwatch.GetTimestamp();
            for (int call = 0; call < calls; call++)
            {
                await EnqueueScenarios.BulkAsync(host.Client).ConfigureAwait(false);
            }

            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            TimeSpan processor = Environment.CpuUsage.TotalTime - processorBefore;
            double jobs = (double)calls * EnqueueScenarios.Bulk;
            results.Add(new BulkResult(jobs / elapsed.TotalSeconds, processor.TotalMicroseconds / jobs));
        }

        return results;
    }

    /// <summary>
    /// Pre-fills <paramref name="jobs"/> no-op jobs (plus <paramref name="history"/> finished ones first), starts one
    /// worker host at the given queue concurrency and returns jobs per second until the last one is finished in
    /// the store, with the bytes allocated per job on every thread over that window.
    /// </summary>
    public static async Task<DrainResult> DrainAsync(Provider provider, int concurrency, int jobs, int history = 0)
    {
        await using BenchHost host = await BenchHost.StartAsync(provider, concurrency, worker: true).ConfigureAwait(false);
        if (history > 0)
        {
            await FillHistoryAsync(host, history).ConfigureAwait(false);
        }

        await FillAsync(host.Client, jobs).ConfigureAwait(false);
        if (provider is Provider.Redis)
        {
            await RedisSettling.WaitForNoRewriteAsync(BenchEnvironment.Redis!).ConfigureAwait(false);
        }

        Task drained = host.Counter.Arm(jobs);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan pausedBefore = GC.GetTotalPauseDuration();
        TimeSpan processorBefore = Environment.CpuUsage.TotalTime;
        long start = Stopwatch.GetTimestamp();
        await host.StartWorkerAsync().ConfigureAwait(false);
        await drained.WaitAsync(s_drainDeadline).ConfigureAwait(false);

        // The handler count reaches N before the last completions are written; the drain ends when the worker holds
        // no attempt any more, which is when every outcome write has landed. (Asking the store for its queue
        // statistics instead counted every row: with a million finished rows that took longer than the last
        // completions, and lowered the very figure meant to show whether history slows the drain.)
        await host.Running.WhenEmptyAsync().WaitAsync(s_drainDeadline).ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        TimeSpan processor = Environment.CpuUsage.TotalTime - processorBefore;
        return new DrainResult(jobs / elapsed.TotalSeconds, (double)allocated / jobs, elapsed, GC.GetTotalPauseDuration() - pausedBefore,
            processor.TotalMicroseconds / jobs);
    }

    /// <summary>Enqueue-to-handler-start latency with an idle worker, one job at a time, in milliseconds.</summary>
    public static async Task<LatencyResult> LatencyAsync(Provider provider, int samples, int warmup)
    {
        await using BenchHost host = await BenchHost.StartAsync(provider, concurrency: 1, worker: true).ConfigureAwait(false);
        if (provider is Provider.Redis)
        {
            await RedisSettling.WaitForNoRewriteAsync(BenchEnvironment.Redis!).ConfigureAwait(false);
        }

        await host.StartWorkerAsync().ConfigureAwait(false);
        var measured = new double[samples];
        for (int i = -warmup; i < samples; i++)
        {
            Task<long> started = host.Latency.Arm();
            long enqueued = Stopwatch.GetTimestamp();
            await host.Client.EnqueueAsync(new LatencyArgs(Guid.NewGuid(), "probe")).ConfigureAwait(false);
            long handlerStart = await started.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            if (i >= 0)
            {
                measured[i] = Stopwatch.GetElapsedTime(enqueued, handlerStart).TotalMilliseconds;
            }

            // Lets the previous job's completion land, so the next sample finds the worker idle and waiting.
            await Task.Delay(2).ConfigureAwait(false);
        }

        Array.Sort(measured);
        return new LatencyResult(Percentile(measured, 0.50), Percentile(measured, 0.99), samples);
    }

    /// <summary>
    /// Writes <paramref name="count"/> finished jobs through the store's own SPI (bulk enqueue, fetch, complete), so
    /// the rows look exactly like real history without knowing any provider's schema.
    /// </summary>
    private static async Task FillHistoryAsync(BenchHost host, int count)
    {
        const int chunk = 5_000;

        // PostgreSQL completes one job per statement and commit: a million completions through the SPI would take
        // most of the run's 30 minutes. So the first chunk is written through the SPI and then copied in SQL.
        int spiRows = host.PostgresSchema is null ? count : Math.Min(count, chunk);
        for (int done = 0; done < spiRows; done += chunk)
        {
            int size = Math.Min(chunk, spiRows - done);
            await host.Client.EnqueueManyAsync(Enumerable.Range(done, size).Select(i => new NoopArgs(Guid.NewGuid(), "old-" + i))).ConfigureAwait(false);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var token = Guid.NewGuid();
            IReadOnlyList<StoredJob> leased = await host.Storage.FetchAsync(BenchHost.FetchByHand(size, token, now, "history-fill"), CancellationToken.None).ConfigureAwait(false);
            await host.Storage.CompleteAsync(
                leased.Select(j => new JobCompletion { Id = j.Id, LeaseToken = token, Now = now }).ToList(), CancellationToken.None).ConfigureAwait(false);
        }

        if (host.PostgresSchema is { } schema && count > spiRows)
        {
            await PostgresHistory.CopyFinishedAsync(schema, count - spiRows).ConfigureAwait(false);
        }
    }

    private static double Percentile(double[] sorted, double fraction)
        => sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <param name="GcPause">Time the GC paused the process during the drain (blocking collections), for telling a slow drain from a collected one.</param>
/// <param name="ProcessorMicrosecondsPerJob">This process's CPU time (every thread, user and kernel) per job over the drain: on two cores shared with the store's server, what the client costs.</param>
internal sealed record DrainResult(double JobsPerSecond, double BytesPerJob, TimeSpan Elapsed, TimeSpan GcPause, double ProcessorMicrosecondsPerJob);

/// <summary>One <see cref="Measurements.BulkAsync"/> run.</summary>
/// <param name="JobsPerSecond">Jobs enqueued per second of wall time.</param>
/// <param name="ProcessorMicrosecondsPerJob">This process's CPU time per job (every thread, user and kernel).</param>
internal sealed record BulkResult(double JobsPerSecond, double ProcessorMicrosecondsPerJob);

internal sealed record LatencyResult(double P50Milliseconds, double P99Milliseconds, int Samples);
