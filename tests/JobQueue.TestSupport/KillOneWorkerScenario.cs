using JobQueue.Storage;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.TestSupport;

/// <summary>
/// Issue-level proof for a shared store: three worker processes drain jobs, one is SIGKILLed mid-run; every job
/// ends Succeeded, none is lost, and a job ran twice only if it was in flight in the killed process.
/// </summary>
public static class KillOneWorkerScenario
{
    /// <summary>The outcome, for the test to assert on.</summary>
    public sealed record Result(
        IReadOnlyList<JobInfo> Jobs,
        IReadOnlyDictionary<int, IReadOnlyList<int>> StartsByJob,
        IReadOnlySet<int> FinishedJobs,
        int KilledProcessId,
        string StateAtKill,
        string WorkerOutput)
    {
        /// <summary>Jobs whose handler started more than once.</summary>
        public IReadOnlyList<int> RunTwice => StartsByJob.Where(p => p.Value.Count > 1).Select(p => p.Key).Order().ToArray();

        /// <summary>Jobs whose lease was rescued (their worker died holding it).</summary>
        public IReadOnlySet<int> Rescued => Jobs
            .Select((job, n) => (job, n))
            .Where(p => p.job.Errors.Any(e => e.Type == "JobQueue.LeaseExpiredException"))
            .Select(p => p.n)
            .ToHashSet();
    }

    /// <param name="client">A client on the store (a host with RunWorker = false).</param>
    /// <param name="storage">The same store, to see which worker holds leases when it is time to kill one.</param>
    /// <param name="provider">The provider name the test worker knows.</param>
    /// <param name="connection">The store's connection string.</param>
    /// <param name="jobCount">How many jobs to drain.</param>
    /// <param name="workerCount">How many worker processes share the store; the first is killed.</param>
    /// <param name="extra">More options for the workers, such as "prefix" for Redis.</param>
    public static async Task<Result> RunAsync(IJobClient client, IJobStorage storage, string provider, string connection, int jobCount = 300,
        int workerCount = 3, IReadOnlyDictionary<string, string>? extra = null)
    {
        string log = Path.Combine(Path.GetTempPath(), $"jobqueue-kill-{Guid.NewGuid():N}.log");
        try
        {
            // The first fifth runs freely; the rest hold their slots until the gate opens, so when the kill comes
            // every worker is busy, and the killed one surely has jobs in flight.
            int free = jobCount / 5;
            IReadOnlyList<JobId> ids = await client.EnqueueManyAsync(
                Enumerable.Range(0, jobCount).Select(n => new Counted(n, WorkMilliseconds: 20, Gated: n >= free)),
                new EnqueueOptions { MaxAttempts = 5 }).ConfigureAwait(false);

            var workers = new List<WorkerProcess>();
            try
            {
                for (int i = 0; i < workerCount; i++)
                {
                    workers.Add(await WorkerProcess.StartAsync(provider, connection, log, extra).ConfigureAwait(false));
                }

                using (var deadline = new CancellationTokenSource(Deadline.Default))
                {
                    foreach (JobId id in ids.Take(free))
                    {
                        await client.WaitForCompletionAsync(id, deadline.Token).ConfigureAwait(false);
                    }
                }

                (WorkerProcess victim, string stateAtKill) = await BusiestAsync(storage, workers).ConfigureAwait(false);
                victim.Kill();
                await File.WriteAllTextAsync(ExecutionLog.GatePath(log), "open").ConfigureAwait(false);
                var jobs = new List<JobInfo>(jobCount);
                using (var deadline = new CancellationTokenSource(Deadline.Default * 2))
                {
                    foreach (JobId id in ids)
                    {
                        jobs.Add(await client.WaitForCompletionAsync(id, deadline.Token).ConfigureAwait(false));
                    }
                }

                (IReadOnlyDictionary<int, IReadOnlyList<int>> starts, IReadOnlySet<int> finished) = ExecutionLog.ReadAll(log);
                return new Result(jobs, starts, finished, victim.Id, stateAtKill, WorkerProcess.DescribeOutput(workers));
            }
            finally
            {
                foreach (WorkerProcess worker in workers)
                {
                    await worker.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ExecutionLog.DeleteAll(log);
        }
    }

    /// <summary>Waits until every worker holds a gated job, then names the one holding the most leases.</summary>
    private static async Task<(WorkerProcess Victim, string StateAtKill)> BusiestAsync(IJobStorage storage, List<WorkerProcess> workers)
    {
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (true)
        {
            IReadOnlyList<StoredJob> running = (await storage.QueryJobsAsync(new JobQuery { State = JobState.Running, Limit = 1000, CountLimit = 0 }, deadline.Token)
                .ConfigureAwait(false)).Jobs;

            // A worker id reads "{machine}/{process id}/{random}".
            Dictionary<int, int> leases = running
                .Select(job => job.WorkerId?.Split('/') is [_, string pid, _] ? int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture) : 0)
                .GroupBy(pid => pid)
                .ToDictionary(group => group.Key, group => group.Count());
            if (workers.All(worker => leases.GetValueOrDefault(worker.Id) > 0))
            {
                IReadOnlyList<QueueStatistics> queues = await storage.GetQueueStatisticsAsync(deadline.Token).ConfigureAwait(false);
                string state = $"leases by process: [{string.Join(", ", leases.Select(p => $"{p.Key}: {p.Value}"))}]; queues: {string.Join("; ", queues)}";
                return (workers.MaxBy(worker => leases.GetValueOrDefault(worker.Id))!, state);
            }

            // The gated jobs hold their slots, so this state comes and stays; the store is read again shortly.
            await Task.Delay(20, deadline.Token).ConfigureAwait(false);
        }
    }
}
