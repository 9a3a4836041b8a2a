using JobQueue.Testing.Jobs;

namespace JobQueue.Testing;

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
        int KilledProcessId)
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
    /// <param name="provider">The provider name the test worker knows.</param>
    /// <param name="connection">The store's connection string.</param>
    /// <param name="jobCount">How many jobs to drain.</param>
    /// <param name="workerCount">How many worker processes share the store; the first is killed.</param>
    /// <param name="extra">More options for the workers, such as "prefix" for Redis.</param>
    public static async Task<Result> RunAsync(IJobClient client, string provider, string connection, int jobCount = 300,
        int workerCount = 3, IReadOnlyDictionary<string, string>? extra = null)
    {
        string log = Path.Combine(Path.GetTempPath(), $"jobqueue-kill-{Guid.NewGuid():N}.log");
        try
        {
            IReadOnlyList<JobId> ids = await client.EnqueueManyAsync(
                Enumerable.Range(0, jobCount).Select(n => new Counted(n, WorkMilliseconds: 30)),
                new EnqueueOptions { MaxAttempts = 5 }).ConfigureAwait(false);

            var workers = new List<WorkerProcess>();
            try
            {
                for (int i = 0; i < workerCount; i++)
                {
                    workers.Add(await WorkerProcess.StartAsync(provider, connection, log, extra).ConfigureAwait(false));
                }

                // Kill the first worker once a fifth of the work is done: it is busy, with jobs in flight.
                using (var deadline = new CancellationTokenSource(Deadline.Default))
                {
                    await client.WaitForCompletionAsync(ids[jobCount / 5], deadline.Token).ConfigureAwait(false);
                }

                workers[0].Kill();
                var jobs = new List<JobInfo>(jobCount);
                using (var deadline = new CancellationTokenSource(Deadline.Default * 2))
                {
                    foreach (JobId id in ids)
                    {
                        jobs.Add(await client.WaitForCompletionAsync(id, deadline.Token).ConfigureAwait(false));
                    }
                }

                (Dictionary<int, IReadOnlyList<int>> starts, HashSet<int> finished) = ReadLog(log);
                return new Result(jobs, starts, finished, workers[0].Id);
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
            foreach (string file in Directory.GetFiles(Path.GetDirectoryName(log)!, Path.GetFileName(log) + ".*"))
            {
                File.Delete(file);
            }
        }
    }

    private static (Dictionary<int, IReadOnlyList<int>> Starts, HashSet<int> Finished) ReadLog(string path)
    {
        var starts = new Dictionary<int, List<int>>();
        var finished = new HashSet<int>();
        IEnumerable<string> lines = Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*").SelectMany(File.ReadLines);
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ');
            if (parts.Length != 3)
            {
                continue; // a line cut by the kill
            }

            int n = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            int pid = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            if (parts[0] == "start")
            {
                (starts.TryGetValue(n, out List<int>? list) ? list : starts[n] = []).Add(pid);
            }
            else
            {
                finished.Add(n);
            }
        }

        return (starts.ToDictionary(p => p.Key, p => (IReadOnlyList<int>)p.Value), finished);
    }
}
