using JobQueue.TestSupport.Jobs;

namespace JobQueue.TestSupport;

/// <summary>
/// Issue-level proof of batch accounting on a shared store: worker processes race to finish one batch's
/// children; the success callback must run exactly once, after every child succeeded.
/// </summary>
public static class BatchAcrossProcessesScenario
{
    /// <summary>The number the success callback logs under (children log 0 and up).</summary>
    public const int CallbackNumber = -1;

    /// <summary>The outcome, for the test to assert on.</summary>
    public sealed record Result(
        BatchInfo Batch,
        JobInfo Callback,
        IReadOnlyList<JobInfo> Children,
        IReadOnlyDictionary<int, IReadOnlyList<int>> StartsByJob,
        string WorkerOutput)
    {
        /// <summary>How many times the callback's handler started.</summary>
        public int CallbackRuns => StartsByJob.GetValueOrDefault(CallbackNumber)?.Count ?? 0;

        /// <summary>How many worker processes finished at least one child (proves the race happened).</summary>
        public int ProcessesThatRanChildren => StartsByJob.Where(p => p.Key != CallbackNumber).SelectMany(p => p.Value).Distinct().Count();
    }

    /// <param name="client">A client on the store (a host with RunWorker = false).</param>
    /// <param name="provider">The provider name the test worker knows.</param>
    /// <param name="connection">The store's connection string.</param>
    /// <param name="childCount">How many children the batch has.</param>
    /// <param name="workerCount">How many worker processes share the store.</param>
    /// <param name="extra">More options for the workers, such as "prefix" for Redis.</param>
    public static async Task<Result> RunAsync(IJobClient client, string provider, string connection, int childCount = 2000,
        int workerCount = 3, IReadOnlyDictionary<string, string>? extra = null)
    {
        string log = Path.Combine(Path.GetTempPath(), $"jobqueue-batch-{Guid.NewGuid():N}.log");
        var workers = new List<WorkerProcess>();
        try
        {
            // The workers are up before the batch exists, so they race on its children from the first one.
            for (int i = 0; i < workerCount; i++)
            {
                workers.Add(await WorkerProcess.StartAsync(provider, connection, log, extra, concurrency: 10).ConfigureAwait(false));
            }

            JobId callbackId = default;
            var childIds = new List<JobId>(childCount);
            BatchId batchId = await client.StartBatchAsync(batch =>
            {
                for (int n = 0; n < childCount; n++)
                {
                    childIds.Add(batch.Enqueue(new Counted(n, WorkMilliseconds: 0)));
                }

                callbackId = batch.OnSuccess(new Counted(CallbackNumber, WorkMilliseconds: 0));
            }).ConfigureAwait(false);

            using var deadline = new CancellationTokenSource(Deadline.Default * 2);
            JobInfo callback = await client.WaitForCompletionAsync(callbackId, deadline.Token).ConfigureAwait(false);
            var children = new List<JobInfo>(childCount);
            foreach (JobId id in childIds)
            {
                children.Add(await client.WaitForCompletionAsync(id, deadline.Token).ConfigureAwait(false));
            }

            BatchInfo batchInfo = await client.GetBatchAsync(batchId, deadline.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Batch {batchId} is missing from the store.");

            // Graceful stops let the workers write their last lines before the log is read.
            foreach (WorkerProcess worker in workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            string output = WorkerProcess.DescribeOutput(workers);
            workers.Clear();
            return new Result(batchInfo, callback, children, ExecutionLog.ReadAll(log).Starts, output);
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            ExecutionLog.DeleteAll(log);
        }
    }
}

/// <summary>What every shared store must show after <see cref="BatchAcrossProcessesScenario"/>.</summary>
public static class BatchAcrossProcessesAssertions
{
    /// <summary>Throws with a precise message unless the callback ran once, after every child succeeded, with work shared.</summary>
    public static void CallbackOnceAfterEveryChild(BatchAcrossProcessesScenario.Result result)
    {
        var problems = new List<string>();
        JobInfo[] unfinished = result.Children.Where(child => child.State != JobState.Succeeded).ToArray();
        if (unfinished.Length > 0)
        {
            problems.Add($"{unfinished.Length} children did not succeed: {string.Join(", ", unfinished.Take(5).Select(j => $"{j.Id} {j.State}"))}");
        }

        if (result.Callback.State != JobState.Succeeded || result.CallbackRuns != 1)
        {
            problems.Add($"the success callback is {result.Callback.State} and its handler started {result.CallbackRuns} times (expected once)");
        }

        if (result.Callback.StartedAt < result.Children.Max(child => child.FinishedAt))
        {
            problems.Add("the success callback started before the last child finished");
        }

        BatchInfo batch = result.Batch;
        if (batch.State != BatchState.Succeeded || batch.Succeeded != result.Children.Count || batch.Pending != 0 || batch.Failed != 0)
        {
            problems.Add($"the batch reads {batch.State} with {batch.Succeeded} succeeded, {batch.Failed} failed, {batch.Pending} pending of {batch.Total}");
        }

        if (result.ProcessesThatRanChildren < 2)
        {
            problems.Add($"only {result.ProcessesThatRanChildren} process ran children, so nothing raced");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Batch-across-processes scenario failed:\n" + string.Join("\n", problems) + "\nWorker logs:\n" + result.WorkerOutput);
        }
    }
}
