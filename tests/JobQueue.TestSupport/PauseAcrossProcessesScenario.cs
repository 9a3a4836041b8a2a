using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.TestSupport;

/// <summary>
/// Issue-level proof of a queue pause on a shared store: this process pauses the queue that a worker in another
/// process works; the job it was running finishes, jobs enqueued meanwhile are kept and start only after the resume.
/// </summary>
public static class PauseAcrossProcessesScenario
{
    /// <summary>The number of the job that runs when the pause comes (the held ones are 1 and up).</summary>
    public const int RunningNumber = 0;

    /// <summary>The outcome, for the test to assert on.</summary>
    public sealed record Result(
        JobInfo RunningJob,
        IReadOnlyList<JobInfo> HeldWhilePaused,
        QueueInfo QueueWhilePaused,
        HostInfo WorkerWhilePaused,
        int WorkerProcessId,
        DateTimeOffset ResumedAt,
        IReadOnlyList<JobInfo> HeldAfterResume,
        IReadOnlyDictionary<int, IReadOnlyList<int>> StartsByJob,
        string WorkerOutput);

    /// <param name="client">A host on the store that runs no worker (RunWorker = false): the pausing process.</param>
    /// <param name="provider">The provider name the test worker knows.</param>
    /// <param name="connection">The store's connection string.</param>
    /// <param name="heldCount">How many jobs are enqueued while the queue is paused.</param>
    /// <param name="extra">More options for the worker, such as "prefix" for Redis.</param>
    public static async Task<Result> RunAsync(TestHost client, string provider, string connection, int heldCount = 10,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        IJobAdmin admin = client.Services.GetRequiredService<IJobAdmin>();
        string queue = JobQueueOptions.DefaultQueueName;
        string log = Path.Combine(Path.GetTempPath(), $"jobqueue-pause-{Guid.NewGuid():N}.log");
        WorkerProcess? worker = null;
        try
        {
            worker = await WorkerProcess.StartAsync(provider, connection, log, extra, concurrency: 2).ConfigureAwait(false);
            using var deadline = new CancellationTokenSource(Deadline.Default);

            // A job holds one of the worker's two slots when the pause comes, so a slot is free for a job that should not start.
            JobId runningId = await client.Client.EnqueueAsync(new Counted(RunningNumber, WorkMilliseconds: 0, Gated: true)).ConfigureAwait(false);
            await UntilAsync(async () => (await client.Client.GetAsync(runningId, deadline.Token).ConfigureAwait(false))?.State == JobState.Running,
                "the worker process to start the gated job", deadline.Token).ConfigureAwait(false);

            await admin.PauseQueueAsync(queue, deadline.Token).ConfigureAwait(false);
            var heldIds = new List<JobId>(heldCount);
            for (int n = 1; n <= heldCount; n++)
            {
                heldIds.Add(await client.Client.EnqueueAsync(new Counted(n, WorkMilliseconds: 0)).ConfigureAwait(false));
            }

            // The worker says in its heartbeat, written as soon as it sees the pause, that it sees the queue paused.
            HostInfo? seen = null;
            await UntilAsync(
                async () =>
                {
                    seen = (await admin.GetHostsAsync(deadline.Token).ConfigureAwait(false))
                        .SingleOrDefault(h => h.ProcessId == worker.Id && h.Queues.Any(q => q.Name == queue && q.Paused));
                    return seen is not null;
                },
                "the worker process to report the queue paused in its heartbeat",
                deadline.Token).ConfigureAwait(false);

            File.WriteAllText(ExecutionLog.GatePath(log), "open");
            JobInfo running = await client.Client.WaitForCompletionAsync(runningId, deadline.Token).ConfigureAwait(false);
            var whilePaused = new List<JobInfo>(heldCount);
            foreach (JobId id in heldIds)
            {
                whilePaused.Add((await client.Client.GetAsync(id, deadline.Token).ConfigureAwait(false))!);
            }

            QueueInfo queueWhilePaused = (await admin.GetQueuesAsync(deadline.Token).ConfigureAwait(false)).Single(q => q.Name == queue);

            DateTimeOffset resumedAt = DateTimeOffset.UtcNow;
            await admin.ResumeQueueAsync(queue, deadline.Token).ConfigureAwait(false);
            var afterResume = new List<JobInfo>(heldCount);
            foreach (JobId id in heldIds)
            {
                afterResume.Add(await client.Client.WaitForCompletionAsync(id, deadline.Token).ConfigureAwait(false));
            }

            // A graceful stop lets the worker write its last lines before the log is read.
            await worker.DisposeAsync().ConfigureAwait(false);
            string output = WorkerProcess.DescribeOutput([worker]);
            int workerId = worker.Id;
            worker = null;
            return new Result(running, whilePaused, queueWhilePaused, seen!, workerId, resumedAt, afterResume, ExecutionLog.ReadAll(log).Starts, output);
        }
        finally
        {
            if (worker is not null)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            ExecutionLog.DeleteAll(log);
        }
    }

    /// <summary>Checks another process's progress through the store every 20 ms until it holds, within the deadline.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string what, CancellationToken deadline)
    {
        try
        {
            while (!await condition().ConfigureAwait(false))
            {
                await Task.Delay(20, deadline).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out waiting for {what}.");
        }
    }
}

/// <summary>What every shared store must show after <see cref="PauseAcrossProcessesScenario"/>.</summary>
public static class PauseAcrossProcessesAssertions
{
    /// <summary>Throws with a precise message unless the pause held the new jobs back and let the running one finish.</summary>
    public static void RunningFinishedHeldWaitedForTheResume(PauseAcrossProcessesScenario.Result result)
    {
        var problems = new List<string>();
        if (result.RunningJob.State != JobState.Succeeded)
        {
            problems.Add($"the job running when the pause came is {result.RunningJob.State}, not Succeeded");
        }

        JobInfo[] notHeld = result.HeldWhilePaused.Where(j => j.State != JobState.Enqueued).ToArray();
        if (notHeld.Length > 0)
        {
            problems.Add($"{notHeld.Length} jobs enqueued while paused were not kept waiting: {string.Join(", ", notHeld.Take(5).Select(j => $"{j.Id} {j.State}"))}");
        }

        QueueInfo queue = result.QueueWhilePaused;
        if (!queue.Paused || queue.Enqueued != result.HeldWhilePaused.Count || queue.Running != 0 || queue.Hosts != 1)
        {
            problems.Add($"the queue read paused={queue.Paused} enqueued={queue.Enqueued} running={queue.Running} hosts={queue.Hosts} while paused");
        }

        if (result.WorkerWhilePaused.ProcessId != result.WorkerProcessId || result.WorkerWhilePaused.Status != HostStatus.Alive)
        {
            problems.Add($"the worker's heartbeat names process {result.WorkerWhilePaused.ProcessId} ({result.WorkerWhilePaused.Status}), not {result.WorkerProcessId}");
        }

        JobInfo[] early = result.HeldAfterResume.Where(j => j.State != JobState.Succeeded || j.StartedAt < result.ResumedAt).ToArray();
        if (early.Length > 0)
        {
            problems.Add($"{early.Length} held jobs did not succeed after the resume: {string.Join(", ", early.Take(5).Select(j => $"{j.Id} {j.State} started {j.StartedAt:O}"))}");
        }

        int[] startedTwice = result.StartsByJob.Where(p => p.Value.Count != 1).Select(p => p.Key).ToArray();
        if (startedTwice.Length > 0 || result.StartsByJob.Count != result.HeldAfterResume.Count + 1)
        {
            problems.Add($"jobs started {result.StartsByJob.Count} distinct times; started more than once: {string.Join(", ", startedTwice)}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", problems) + "\n" + result.WorkerOutput);
        }
    }
}
