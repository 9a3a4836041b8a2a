using System.Collections.Concurrent;
using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task FetchAsync_EightConcurrentFetchers_LeaseEveryJobExactlyOnce()
    {
        NewJob[] jobs = Enumerable.Range(0, 200).Select(i => Job(priority: i % 3)).ToArray();
        await EnqueueAsync(jobs);
        var leased = new ConcurrentBag<JobId>();

        Task[] fetchers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                IReadOnlyList<StoredJob> batch = await FetchAsync(limit: 3);
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (StoredJob job in batch)
                {
                    leased.Add(job.Id);
                }
            }
        })).ToArray();
        await Task.WhenAll(fetchers);

        leased.Should().OnlyHaveUniqueItems();
        leased.Should().BeEquivalentTo(jobs.Select(j => j.Id));
        (await StatisticsAsync())!.Running.Should().Be(200);
    }

    [Fact]
    public async Task CompleteAsync_TwoHundredChildrenInParallel_ReleasesSuccessCallbackExactlyOnce()
    {
        (BatchId batchId, _, NewJob success, NewJob failure) = await EnqueueBatchAsync(200);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 200);
        leased.Should().HaveCount(200);

        Task<bool>[] completions = leased.Select(job => Task.Run(() => CompleteAsync(job, At(5_000)))).ToArray();
        bool[] results = await Task.WhenAll(completions);

        results.Should().OnlyContain(r => r);
        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Succeeded);
        batch.Total.Should().Be(200);
        batch.Succeeded.Should().Be(200);
        batch.Failed.Should().Be(0);
        batch.Pending.Should().Be(0);
        batch.FinishedAt.Should().Be(At(5_000));
        (await GetRequiredAsync(failure.Id)).State.Should().Be(JobState.Cancelled);
        (await FetchAsync("callbacks", limit: 10, now: At(6_000))).Select(j => j.Id).Should().Equal(success.Id);
        (await FetchAsync("callbacks", limit: 10, now: At(6_000))).Should().BeEmpty();
    }

    [Fact]
    public async Task FailAsync_ManyChildrenFailingInParallel_ReleasesFailureCallbackExactlyOnce()
    {
        (BatchId batchId, _, NewJob success, NewJob failure) = await EnqueueBatchAsync(50);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 50);

        bool[] results = await Task.WhenAll(leased.Select(job => Task.Run(() => FailAsync(job, At(5_000)))));

        results.Should().OnlyContain(r => r);
        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Failed);
        batch.Failed.Should().Be(50);
        batch.Pending.Should().Be(0);
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Cancelled);
        (await FetchAsync("callbacks", limit: 10, now: At(6_000))).Select(j => j.Id).Should().Equal(failure.Id);
    }

    [Fact]
    public async Task EnqueueAsync_SameKeyFromParallelRequests_CreatesExactlyOneJob()
    {
        NewJob[] candidates = Enumerable.Range(0, 16).Select(_ => Job(key: "race")).ToArray();

        EnqueueResult[] results = (await Task.WhenAll(candidates.Select(job => Task.Run(() => EnqueueAsync(job)))))
            .Select(r => r.Single()).ToArray();

        EnqueueResult winner = results.Should().ContainSingle(r => r.Created).Subject;
        results.Should().OnlyContain(r => r.Id == winner.Id);
        (await StatisticsAsync())!.Enqueued.Should().Be(1);
    }

    [Fact]
    public async Task CompleteAndCancel_RacingOnSameJobs_ExactlyOneWinsPerJob()
    {
        NewJob[] jobs = Enumerable.Range(0, 100).Select(_ => Job()).ToArray();
        await EnqueueAsync(jobs);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 100);

        Task<bool>[] completes = leased.Select(job => Task.Run(() => CompleteAsync(job, At(5_000)))).ToArray();
        Task<CancelOutcome>[] cancels = leased.Select(job => Task.Run(() => CancelAsync(job.Id, At(5_000)))).ToArray();
        bool[] completed = await Task.WhenAll(completes);
        CancelOutcome[] cancelled = await Task.WhenAll(cancels);

        for (int i = 0; i < leased.Count; i++)
        {
            StoredJob stored = await GetRequiredAsync(leased[i].Id);
            if (completed[i])
            {
                cancelled[i].Should().Be(CancelOutcome.AlreadyFinished);
                stored.State.Should().Be(JobState.Succeeded);
            }
            else
            {
                cancelled[i].Should().Be(CancelOutcome.CancelledWhileRunning);
                stored.State.Should().Be(JobState.Cancelled);
            }
        }
    }

    [Fact]
    public async Task RescueAndComplete_RacingOnExpiredLeases_NeverBoth()
    {
        NewJob[] jobs = Enumerable.Range(0, 100).Select(_ => Job(maxAttempts: 5)).ToArray();
        await EnqueueAsync(jobs);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 100, now: At(100), leaseExpiresAt: At(200));

        Task<IReadOnlyList<JobId>> rescue = Task.Run(() => RescueAsync(At(200), limit: 100));
        bool[] completed = await Task.WhenAll(leased.Select(job => Task.Run(() => CompleteAsync(job, At(200)))));
        var rescued = (await rescue).ToHashSet();

        for (int i = 0; i < leased.Count; i++)
        {
            rescued.Contains(leased[i].Id).Should().Be(!completed[i], "job {0} is either completed or rescued", i);
            (await GetRequiredAsync(leased[i].Id)).State.Should().Be(completed[i] ? JobState.Succeeded : JobState.Enqueued);
        }
    }
}
