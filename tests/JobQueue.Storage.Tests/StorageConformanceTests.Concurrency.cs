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

    [Fact]
    public async Task CompleteAsync_ManyItemsPerCall_OutcomesPerItemAndEachBatchReleasedOnce()
    {
        (BatchId first, _, NewJob firstSuccess, _) = await EnqueueBatchAsync(2);
        (BatchId second, _, NewJob secondSuccess, _) = await EnqueueBatchAsync(2);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 4);
        leased.Should().HaveCount(4);

        IReadOnlyList<bool> results = await Storage.CompleteAsync(
            [
                new JobCompletion { Id = leased[0].Id, LeaseToken = leased[0].LeaseToken!.Value, Now = At(2_000) },
                new JobCompletion { Id = leased[2].Id, LeaseToken = Guid.NewGuid(), Now = At(2_000) },
                new JobCompletion { Id = leased[2].Id, LeaseToken = leased[2].LeaseToken!.Value, Now = At(2_000) },
                new JobCompletion { Id = leased[1].Id, LeaseToken = leased[1].LeaseToken!.Value, Now = At(2_000) },
                new JobCompletion { Id = leased[3].Id, LeaseToken = leased[3].LeaseToken!.Value, Now = At(2_000) },
            ],
            Ct);

        results.Should().Equal(true, false, true, true, true);
        foreach (BatchId batchId in new[] { first, second })
        {
            StoredBatch batch = await GetBatchRequiredAsync(batchId);
            batch.State.Should().Be(BatchState.Succeeded);
            batch.Succeeded.Should().Be(2, "the refused item counted nothing");
        }

        (await FetchAsync("callbacks", limit: 10, now: At(3_000))).Select(j => j.Id)
            .Should().BeEquivalentTo([firstSuccess.Id, secondSuccess.Id]);
    }

    [Fact]
    public async Task CompleteAsync_ConcurrentCallsTakingBatchesInOppositeOrders_AllCompleteAndEachBatchReleasedOnce()
    {
        // Stores that write a call's items together hold each batch row until the call ends: two calls that
        // take the same batches in opposite orders must still both finish, with every item answered once.
        const int rounds = 20;
        var pairs = new List<(BatchId A, BatchId B, NewJob SuccessA, NewJob SuccessB)>();
        for (int round = 0; round < rounds; round++)
        {
            (BatchId a, _, NewJob successA, _) = await EnqueueBatchAsync(2);
            (BatchId b, _, NewJob successB, _) = await EnqueueBatchAsync(2);
            pairs.Add((a, b, successA, successB));
        }

        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: rounds * 4);
        leased.Should().HaveCount(rounds * 4);
        ILookup<BatchId?, StoredJob> byBatch = leased.ToLookup(job => job.BatchId);

        static JobCompletion Completion(StoredJob job) => new() { Id = job.Id, LeaseToken = job.LeaseToken!.Value, Now = At(2_000) };
        Task<IReadOnlyList<bool>>[] calls = pairs.SelectMany(pair => new[]
        {
            Task.Run(async () => await Storage.CompleteAsync([Completion(byBatch[pair.A].First()), Completion(byBatch[pair.B].First())], Ct)),
            Task.Run(async () => await Storage.CompleteAsync([Completion(byBatch[pair.B].Last()), Completion(byBatch[pair.A].Last())], Ct)),
        }).ToArray();
        IReadOnlyList<bool>[] results = await Task.WhenAll(calls);

        results.SelectMany(r => r).Should().HaveCount(rounds * 4).And.AllSatisfy(written => written.Should().BeTrue());
        foreach ((BatchId a, BatchId b, _, _) in pairs)
        {
            (await GetBatchRequiredAsync(a)).State.Should().Be(BatchState.Succeeded);
            (await GetBatchRequiredAsync(b)).State.Should().Be(BatchState.Succeeded);
        }

        (await FetchAsync("callbacks", limit: rounds * 4, now: At(3_000))).Select(j => j.Id)
            .Should().BeEquivalentTo(pairs.SelectMany(pair => new[] { pair.SuccessA.Id, pair.SuccessB.Id }));
    }
}
