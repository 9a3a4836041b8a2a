using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.TestSupport;

/// <summary>
/// Issue-level proof of flow control on a shared store: three worker processes run keyed jobs under a per-key and a global
/// limit, and rated jobs under a rate limit, all declared alike in each process (the TestWorker's --flow switch). Every
/// start and end is recorded in files all processes write; the rated jobs' start times are the store's own.
/// </summary>
/// <remarks>
/// A store's test calls <see cref="RunAsync"/> with a client host that runs no worker and registers the jobs with
/// <see cref="Register"/>, then checks the result with <see cref="FlowAcrossProcessesAssertions.LimitsHeld"/>.
/// </remarks>
public static class FlowAcrossProcessesScenario
{
    public const string KeyedQueue = "flow-keyed";
    public const string RatedQueue = "flow-rated";
    public const int ConcurrencyPerKey = 2;
    public const int GlobalConcurrency = 5;
    public const int KeyedJobs = 60;
    public const int Keys = 4;
    public const int RatedJobs = 200;

    /// <summary>20 starts per second.</summary>
    public static readonly RateLimit Rate = RateLimit.PerSecond(20);

    /// <summary>The outcome, for the assertions.</summary>
    public sealed record Result(
        IReadOnlyList<FlowLog.Event> Events,
        IReadOnlyList<JobInfo> KeyedJobs,
        IReadOnlyList<JobInfo> RatedJobs,
        string WorkerOutput);

    /// <summary>Registers the flow jobs in a client (no limits: they are the workers' business).</summary>
    public static JobQueueBuilder Register(JobQueueBuilder q) => q
        .AddJob<FlowKeyedJob>(j => j.Queue = KeyedQueue)
        .AddJob<FlowRatedJob>(j => j.Queue = RatedQueue);

    /// <param name="client">A host on the store that runs no worker, with the jobs of <see cref="Register"/>.</param>
    /// <param name="provider">The provider name the test worker knows.</param>
    /// <param name="connection">The store's connection string.</param>
    /// <param name="extra">More options for the workers, such as "prefix" for Redis.</param>
    public static async Task<Result> RunAsync(TestHost client, string provider, string connection, IReadOnlyDictionary<string, string>? extra = null)
    {
        // Two base names: the flow log's files must not match the run log's (FlowLog reads "{log}.*").
        string run = Guid.NewGuid().ToString("N");
        string log = Path.Combine(Path.GetTempPath(), $"jobqueue-flow-{run}.log");
        string runLog = Path.Combine(Path.GetTempPath(), $"jobqueue-flow-run-{run}.log");
        var options = new Dictionary<string, string>(extra ?? new Dictionary<string, string>()) { ["flow"] = log };
        var workers = new List<WorkerProcess>();
        try
        {
            workers.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => WorkerProcess.StartAsync(provider, connection, runLog, options))).ConfigureAwait(false));
            using var deadline = new CancellationTokenSource(Deadline.Default);

            var keyed = new List<JobId>(KeyedJobs);
            for (int n = 0; n < KeyedJobs; n++)
            {
                string key = $"customer-{n % Keys}";
                keyed.Add(await client.Client.EnqueueAsync(new FlowKeyed(n, key, WorkMilliseconds: 40), new EnqueueOptions { LimitKey = key }, deadline.Token).ConfigureAwait(false));
            }

            IReadOnlyList<JobId> rated = await client.Client.EnqueueManyAsync(Enumerable.Range(0, RatedJobs).Select(n => new FlowRated(n)), cancellationToken: deadline.Token)
                .ConfigureAwait(false);

            var keyedInfos = new List<JobInfo>(KeyedJobs);
            foreach (JobId id in keyed)
            {
                keyedInfos.Add(await client.Client.WaitForCompletionAsync(id, deadline.Token).ConfigureAwait(false));
            }

            var ratedInfos = new List<JobInfo>(RatedJobs);
            foreach (JobId id in rated)
            {
                ratedInfos.Add(await client.Client.WaitForCompletionAsync(id, deadline.Token).ConfigureAwait(false));
            }

            // Graceful stops, so every line is written before the logs are read.
            foreach (WorkerProcess worker in workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            string output = WorkerProcess.DescribeOutput(workers);
            workers.Clear();
            return new Result(FlowLog.ReadAll(log), keyedInfos, ratedInfos, output);
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            FlowLog.DeleteAll(log);
            ExecutionLog.DeleteAll(runLog);
        }
    }
}

/// <summary>What every shared store must show after <see cref="FlowAcrossProcessesScenario"/>.</summary>
public static class FlowAcrossProcessesAssertions
{
    /// <summary>The most keyed jobs seen running at once, in all and per key.</summary>
    public static (int Total, int PerKey) MostRunningAtOnce(FlowAcrossProcessesScenario.Result result)
    {
        int running = 0;
        int most = 0;
        int mostPerKey = 0;
        var perKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (FlowLog.Event e in result.Events.Where(e => e.Key != "-"))
        {
            int delta = e.Start ? 1 : -1;
            running += delta;
            perKey[e.Key] = perKey.GetValueOrDefault(e.Key) + delta;
            most = Math.Max(most, running);
            mostPerKey = Math.Max(mostPerKey, perKey[e.Key]);
        }

        return (most, mostPerKey);
    }

    /// <summary>The most rated jobs whose store start times fall within one period, wherever the period begins.</summary>
    public static int MostStartsInOnePeriod(FlowAcrossProcessesScenario.Result result)
    {
        DateTimeOffset[] starts = result.RatedJobs.Select(j => j.StartedAt!.Value).Order().ToArray();
        int most = 0;
        int first = 0;
        for (int last = 0; last < starts.Length; last++)
        {
            // The window (start - period, start]: the rate limit's own window, ending at each start in turn.
            while (starts[first] <= starts[last] - FlowAcrossProcessesScenario.Rate.Period)
            {
                first++;
            }

            most = Math.Max(most, last - first + 1);
        }

        return most;
    }

    /// <summary>Throws with a precise message unless every job succeeded once and no limit was ever exceeded.</summary>
    public static void LimitsHeld(FlowAcrossProcessesScenario.Result result)
    {
        var problems = new List<string>();
        JobInfo[] notSucceeded = result.KeyedJobs.Concat(result.RatedJobs).Where(j => j.State != JobState.Succeeded).ToArray();
        if (notSucceeded.Length > 0)
        {
            problems.Add($"{notSucceeded.Length} jobs did not succeed: {string.Join(", ", notSucceeded.Take(5).Select(j => $"{j.Id} {j.State}"))}");
        }

        int[] startedTwice = result.Events.Where(e => e.Start).GroupBy(e => (e.Key == "-", e.N)).Where(g => g.Count() != 1).Select(g => g.Key.N).ToArray();
        if (startedTwice.Length > 0)
        {
            problems.Add($"jobs started more than once: {string.Join(", ", startedTwice.Take(10))}");
        }

        (int total, int perKey) = MostRunningAtOnce(result);
        if (total > FlowAcrossProcessesScenario.GlobalConcurrency || perKey > FlowAcrossProcessesScenario.ConcurrencyPerKey)
        {
            problems.Add($"limits exceeded: {total} keyed jobs ran at once (limit {FlowAcrossProcessesScenario.GlobalConcurrency}), {perKey} of one key (limit {FlowAcrossProcessesScenario.ConcurrencyPerKey})");
        }

        if (total < 2)
        {
            problems.Add($"the keyed jobs never ran side by side ({total} at most), so the limits were never put to the test");
        }

        int inOnePeriod = MostStartsInOnePeriod(result);
        if (inOnePeriod > FlowAcrossProcessesScenario.Rate.Starts)
        {
            problems.Add($"{inOnePeriod} rated jobs started within one period (limit {FlowAcrossProcessesScenario.Rate})");
        }

        DateTimeOffset[] starts = result.RatedJobs.Where(j => j.StartedAt is not null).Select(j => j.StartedAt!.Value).Order().ToArray();
        TimeSpan spread = starts.Length > 1 ? starts[^1] - starts[0] : TimeSpan.Zero;
        TimeSpan least = FlowAcrossProcessesScenario.Rate.Period * ((FlowAcrossProcessesScenario.RatedJobs / FlowAcrossProcessesScenario.Rate.Starts) - 1);
        if (spread < least)
        {
            problems.Add($"the rated jobs' starts spread over {spread}, less than the {least} the rate allows");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", problems) + "\n" + result.WorkerOutput);
        }
    }
}
