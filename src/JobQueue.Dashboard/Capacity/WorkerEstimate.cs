using System.Globalization;

namespace JobQueue.Dashboard.Capacity;

/// <summary>
/// How many workers a queue needs, by Little's law: busy workers = arrival rate × mean run time. The arrival rate is the
/// attempts that ended per second over the last 15 minutes (from the per-minute throughput counts), plus what it takes
/// to clear the jobs waiting now within those 15 minutes; the mean run time is that of the newest succeeded jobs still
/// retained (started to finished). Nothing new is stored for it: both come from what the stores already keep.
/// </summary>
internal sealed record WorkerEstimate(
    string Queue,
    int Workers,
    double ArrivalsPerSecond,
    TimeSpan? MeanRunTime,
    int RunTimeSamples,
    double? Busy,
    int? Needed,
    TimeSpan Latency,
    long Waiting,
    string Summary)
{
    /// <summary>The share of time the workers may be busy before latency grows quickly: 80 %.</summary>
    internal const double TargetUtilization = 0.8;

    /// <summary>Workers busy this share of the time or more are all busy, as far as per-minute counts can tell: 95 %.</summary>
    internal const double SaturatedUtilization = 0.95;

    internal static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public static WorkerEstimate For(QueueInfo queue, long attemptsInWindow, IReadOnlyList<TimeSpan> runTimes)
    {
        double arrivals = attemptsInWindow / Window.TotalSeconds;
        string latency = Rendering.Format.Duration(queue.Latency);
        if (runTimes.Count == 0)
        {
            return new WorkerEstimate(queue.Name, queue.Concurrency, arrivals, null, 0, null, null, queue.Latency, queue.Enqueued,
                $"{queue.Name}: {WorkerCount(queue.Concurrency)}, latency {latency}; no succeeded job is retained to measure run time, so no estimate.");
        }

        TimeSpan mean = TimeSpan.FromTicks((long)runTimes.Average(t => t.Ticks));
        double busyWorkers = arrivals * mean.TotalSeconds;
        double demand = (arrivals + (queue.Enqueued / Window.TotalSeconds)) * mean.TotalSeconds;
        int needed = Math.Max(1, (int)Math.Ceiling(demand / TargetUtilization));
        double? busy = queue.Concurrency > 0 ? Math.Min(1, busyWorkers / queue.Concurrency) : null;
        string busyText = busy is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"{WorkerCount(queue.Concurrency)} busy {b * 100:0} % of the time")
            : "no live host serves it";
        // With every worker busy and jobs waiting, the queue grows faster than it drains, so its latency rises: the
        // store keeps no latency history, but this is what a rising latency means.
        string rising = busy >= SaturatedUtilization && queue.Enqueued > 0 ? " and rising" : "";
        string waiting = queue.Enqueued > 0 ? string.Create(CultureInfo.InvariantCulture, $" with {queue.Enqueued:N0} waiting") : "";
        string verdict = needed > queue.Concurrency
            ? string.Create(CultureInfo.InvariantCulture, $"about {needed} are needed")
            : "enough";
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{queue.Name}: {busyText}, latency {latency}{rising}{waiting}: {verdict} (mean run {Rendering.Format.Duration(mean)} over {runTimes.Count} jobs, {arrivals * 60:0.#} attempts a minute).");
        return new WorkerEstimate(queue.Name, queue.Concurrency, arrivals, mean, runTimes.Count, busy, needed, queue.Latency, queue.Enqueued, summary);
    }

    private static string WorkerCount(int count) => count == 1 ? "1 worker" : count.ToString(CultureInfo.InvariantCulture) + " workers";

    /// <summary>Reads what the estimates need: queues, throughput, and up to 100 recent succeeded jobs per queue.</summary>
    public static async Task<IReadOnlyList<WorkerEstimate>> ReadAsync(IJobAdmin admin, DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyList<QueueInfo> queues = await admin.GetQueuesAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ThroughputPoint> points = await admin.GetThroughputAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset since = now - Window;
        var estimates = new List<WorkerEstimate>(queues.Count);
        foreach (QueueInfo queue in queues)
        {
            long attempts = points.Where(p => p.Queue == queue.Name && p.Minute > since).Sum(p => p.Succeeded + p.Failed);
            JobPage recent = await admin.QueryJobsAsync(new JobFilter { Queue = queue.Name, State = JobState.Succeeded, PageSize = 100 }, cancellationToken).ConfigureAwait(false);
            var runTimes = recent.Jobs
                .Where(j => j.StartedAt is not null && j.FinishedAt is not null)
                .Select(j => j.FinishedAt!.Value - j.StartedAt!.Value)
                .ToList();
            estimates.Add(For(queue, attempts, runTimes));
        }

        return estimates;
    }
}
