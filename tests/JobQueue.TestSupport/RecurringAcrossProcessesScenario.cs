using JobQueue.Storage;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.TestSupport;

/// <summary>
/// Issue-level proof of exactly-once recurring jobs on a shared store: three worker processes declare the same six-field
/// every-second schedule and run for 10 s; every occurrence must be enqueued once and run once, none missing.
/// </summary>
public static class RecurringAcrossProcessesScenario
{
    /// <summary>How long the workers run the schedule together: the length of the experiment, not a wait for work.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>The outcome, for the test to assert on.</summary>
    public sealed record Result(
        DateTimeOffset WindowStart,
        DateTimeOffset WindowEnd,
        IReadOnlyList<JobInfo> Jobs,
        IReadOnlyDictionary<JobId, IReadOnlyList<int>> Runs,
        string WorkerOutput);

    /// <param name="client">A host on the store with RunWorker = false and <see cref="TickJob"/> registered.</param>
    /// <param name="provider">The provider name the test worker knows.</param>
    /// <param name="connection">The store's connection string.</param>
    /// <param name="extra">More options for the workers, such as "prefix" for Redis.</param>
    public static async Task<Result> RunAsync(TestHost client, string provider, string connection, IReadOnlyDictionary<string, string>? extra = null)
    {
        string log = Path.Combine(Path.GetTempPath(), $"jobqueue-recurring-{Guid.NewGuid():N}.log");
        var options = new Dictionary<string, string>(extra ?? new Dictionary<string, string>()) { ["recurring"] = "* * * * * *" };
        var workers = new List<WorkerProcess>();
        try
        {
            workers.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => WorkerProcess.StartAsync(provider, connection, log, options))).ConfigureAwait(false));
            DateTimeOffset start = DateTimeOffset.UtcNow;
            await Task.Delay(Window).ConfigureAwait(false);
            DateTimeOffset end = DateTimeOffset.UtcNow;

            // Paused, the schedule enqueues nothing more: what was enqueued can be waited for, and counted.
            IRecurringJobs recurring = client.Services.GetRequiredService<IRecurringJobs>();
            if (!await recurring.PauseAsync("tick").ConfigureAwait(false))
            {
                throw new InvalidOperationException("The workers did not declare the recurring job \"tick\".\nWorker logs:\n" + WorkerProcess.DescribeOutput(workers));
            }

            var jobs = new List<JobInfo>();
            foreach (StoredJob job in await AllTicksAsync(client.Storage).ConfigureAwait(false))
            {
                jobs.Add(await client.WaitAsync(job.Id).ConfigureAwait(false));
            }

            foreach (WorkerProcess worker in workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            string output = WorkerProcess.DescribeOutput(workers);
            workers.Clear();
            return new Result(start, end, [.. jobs.OrderBy(j => j.RunAt)], TickLog.ReadAll(log + ".ticks"), output);
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            TickLog.DeleteAll(log + ".ticks");
            ExecutionLog.DeleteAll(log);
        }
    }

    private static async Task<List<StoredJob>> AllTicksAsync(IJobStorage storage)
    {
        var ticks = new List<StoredJob>();
        string? after = null;
        do
        {
            StoredJobPage page = await storage.QueryJobsAsync(
                new JobQuery { Name = "recurring-tick", After = after, Limit = 100, CountLimit = 0 }, CancellationToken.None).ConfigureAwait(false);
            ticks.AddRange(page.Jobs);
            after = page.Next;
        }
        while (after is not null);

        return [.. ticks.Where(j => j.Name == "recurring-tick")];
    }
}

/// <summary>What every shared store must show after <see cref="RecurringAcrossProcessesScenario"/>.</summary>
public static class RecurringAcrossProcessesAssertions
{
    /// <summary>Throws with a precise message unless every occurrence from the first to the last ran once, with the window covered.</summary>
    public static void EveryOccurrenceOnceNoneMissing(RecurringAcrossProcessesScenario.Result result)
    {
        var problems = new List<string>();
        DateTimeOffset[] runAts = [.. result.Jobs.Select(j => j.RunAt)];
        if (runAts.Length == 0)
        {
            throw new InvalidOperationException("No occurrence was enqueued.\nWorker logs:\n" + result.WorkerOutput);
        }

        string[] duplicates = [.. runAts.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => $"{g.Key:HH:mm:ss.fff} x{g.Count()}")];
        if (duplicates.Length > 0)
        {
            problems.Add($"occurrences enqueued more than once: {string.Join(", ", duplicates)}");
        }

        string[] offSecond = [.. runAts.Where(t => t.UtcTicks % TimeSpan.TicksPerSecond != 0).Select(t => $"{t:HH:mm:ss.fffffff}")];
        if (offSecond.Length > 0)
        {
            problems.Add($"run times that are not occurrences (whole seconds): {string.Join(", ", offSecond)}");
        }

        var missing = new List<string>();
        for (DateTimeOffset t = runAts.Min(); t <= runAts.Max(); t = t.AddSeconds(1))
        {
            if (!runAts.Contains(t))
            {
                missing.Add($"{t:HH:mm:ss}");
            }
        }

        if (missing.Count > 0)
        {
            problems.Add($"occurrences missing between the first and the last: {string.Join(", ", missing)}");
        }

        if (runAts.Min() > result.WindowStart.AddSeconds(1) || runAts.Max() < result.WindowEnd.AddSeconds(-1))
        {
            problems.Add($"the occurrences {runAts.Min():HH:mm:ss.fff}..{runAts.Max():HH:mm:ss.fff} do not cover the window {result.WindowStart:HH:mm:ss.fff}..{result.WindowEnd:HH:mm:ss.fff}");
        }

        JobInfo[] notSucceeded = [.. result.Jobs.Where(j => j.State != JobState.Succeeded)];
        if (notSucceeded.Length > 0)
        {
            problems.Add($"{notSucceeded.Length} occurrences did not succeed: {string.Join(", ", notSucceeded.Take(5).Select(j => $"{j.RunAt:HH:mm:ss} {j.State}"))}");
        }

        string[] runTwice = [.. result.Jobs.Where(j => result.Runs.GetValueOrDefault(j.Id)?.Count != 1)
            .Select(j => $"{j.RunAt:HH:mm:ss} ran {result.Runs.GetValueOrDefault(j.Id)?.Count ?? 0} times")];
        if (runTwice.Length > 0)
        {
            problems.Add($"occurrences that did not run exactly once: {string.Join(", ", runTwice)}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Recurring-across-processes scenario failed:\n" + string.Join("\n", problems) + "\nWorker logs:\n" + result.WorkerOutput);
        }
    }
}
