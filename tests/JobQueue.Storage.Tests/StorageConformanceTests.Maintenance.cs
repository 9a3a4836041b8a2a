using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task RescueExpiredLeasesAsync_AttemptsLeft_EnqueuedDueNowWithError()
    {
        await EnqueueOneAsync(Job(maxAttempts: 2));
        StoredJob leased = await FetchOneAsync(now: At(1_000), leaseExpiresAt: At(2_000));

        IReadOnlyList<JobId> rescued = await RescueAsync(At(2_500));

        rescued.Should().Equal(leased.Id);
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Enqueued);
        stored.RunAt.Should().Be(At(2_500));
        stored.Attempt.Should().Be(1);
        stored.LeaseToken.Should().BeNull();
        stored.LeaseExpiresAt.Should().BeNull();
        stored.FinishedAt.Should().BeNull();
        JobError error = stored.Errors.Should().ContainSingle().Subject;
        error.Type.Should().Be("JobQueue.LeaseExpired");
        error.Message.Should().Be("The lease expired.");
        error.Attempt.Should().Be(1);
        error.At.Should().Be(At(2_500));
        (await FetchOneAsync(now: At(3_000))).Attempt.Should().Be(2);
    }

    [Fact]
    public async Task RescueExpiredLeasesAsync_LastAttempt_FailsForGood()
    {
        NewJob job = await EnqueueOneAsync(Job(maxAttempts: 2));
        StoredJob first = await FetchOneAsync(now: At(100), leaseExpiresAt: At(200));
        await RescueAsync(At(200));
        await FetchOneAsync(now: At(300), leaseExpiresAt: At(400));

        IReadOnlyList<JobId> rescued = await RescueAsync(At(400));

        rescued.Should().Equal(first.Id);
        StoredJob stored = await GetRequiredAsync(job.Id);
        stored.State.Should().Be(JobState.Failed);
        stored.FinishedAt.Should().Be(At(400));
        stored.Attempt.Should().Be(2);
        stored.LeaseToken.Should().BeNull();
        stored.Errors.Select(e => (e.Attempt, e.At)).Should().Equal((1, At(200)), (2, At(400)));
    }

    [Fact]
    public async Task RescueExpiredLeasesAsync_LeaseExpiresAfterNow_Untouched()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(100), leaseExpiresAt: At(2_000));

        (await RescueAsync(At(1_999))).Should().BeEmpty();

        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Running);
        stored.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RescueExpiredLeasesAsync_OnlyRunningJobs_AreRescued()
    {
        await EnqueueAsync(Job(), Job(runAt: At(50)), Job(queue: "other"));
        StoredJob running = await FetchOneAsync(now: At(100), leaseExpiresAt: At(200));

        (await RescueAsync(At(1_000_000))).Should().Equal(running.Id);
    }

    [Fact]
    public async Task RescueExpiredLeasesAsync_Limit_RescuesAtMostLimit()
    {
        await EnqueueAsync(Job(), Job(), Job());
        await FetchAsync(limit: 3, now: At(100), leaseExpiresAt: At(200));

        IReadOnlyList<JobId> first = await RescueAsync(At(300), limit: 2);
        IReadOnlyList<JobId> second = await RescueAsync(At(300), limit: 2);
        IReadOnlyList<JobId> third = await RescueAsync(At(300), limit: 2);

        first.Should().HaveCount(2);
        second.Should().HaveCount(1);
        third.Should().BeEmpty();
        first.Concat(second).Should().OnlyHaveUniqueItems();
        (await StatisticsAsync())!.Enqueued.Should().Be(3);
    }

    [Fact]
    public async Task PromoteDueJobsAsync_DueJobs_EnqueuedKeepingRunTime()
    {
        NewJob due = Job(runAt: At(1_000));
        NewJob exactlyDue = Job(runAt: At(2_000));
        NewJob notDue = Job(runAt: At(2_001));
        await EnqueueAsync(due, exactlyDue, notDue);

        int promoted = await PromoteAsync(At(2_000));

        promoted.Should().Be(2);
        (await Storage.GetJobsAsync([due.Id, exactlyDue.Id, notDue.Id], Ct)).Select(j => (j!.State, j.RunAt))
            .Should().Equal((JobState.Enqueued, At(1_000)), (JobState.Enqueued, At(2_000)), (JobState.Scheduled, At(2_001)));
        (await FetchAsync(limit: 10, now: At(2_000))).Select(j => j.Id).Should().Equal(due.Id, exactlyDue.Id);
    }

    [Fact]
    public async Task PromoteDueJobsAsync_Limit_PromotesAtMostLimit()
    {
        await EnqueueAsync(Job(runAt: At(10)), Job(runAt: At(20)), Job(runAt: At(30)));

        int first = await PromoteAsync(At(100), limit: 2);
        int second = await PromoteAsync(At(100), limit: 2);
        int third = await PromoteAsync(At(100), limit: 2);

        new[] { first, second, third }.Should().Equal(2, 1, 0);
        (await StatisticsAsync())!.Enqueued.Should().Be(3);
    }

    [Fact]
    public async Task PromoteDueJobsAsync_NothingDue_ReturnsZero()
    {
        await EnqueueAsync(Job(), Job(runAt: At(5_000)));

        (await PromoteAsync(At(4_999))).Should().Be(0);
    }

    [Fact]
    public async Task PruneAsync_FinishedBeforeCutoff_DeletesOnlyThose()
    {
        NewJob[] jobs = [Job(), Job(), Job(), Job()];
        NewJob scheduled = Job(runAt: At(100_000));
        await EnqueueAsync([.. jobs, scheduled]);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 4);
        await CompleteAsync(leased[0], At(2_000));
        await FailAsync(leased[1], At(2_500));
        await CompleteAsync(leased[2], At(3_000));

        int pruned = await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(3_000), Limit = 100 }, Ct);

        pruned.Should().Be(2);
        IReadOnlyList<StoredJob?> left = await Storage.GetJobsAsync([.. jobs.Select(j => j.Id), scheduled.Id], Ct);
        left[0].Should().BeNull();
        left[1].Should().BeNull();
        left[2]!.State.Should().Be(JobState.Succeeded, "it finished at the cutoff, not before");
        left[3]!.State.Should().Be(JobState.Running);
        left[4]!.State.Should().Be(JobState.Scheduled);
        QueueStatistics stats = (await StatisticsAsync())!;
        stats.Succeeded.Should().Be(1);
        stats.Failed.Should().Be(0);
    }

    [Fact]
    public async Task PruneAsync_CancelledJobs_AreDeleted()
    {
        NewJob job = await EnqueueOneAsync(Job());
        await CancelAsync(job.Id, At(10));

        (await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(11), Limit = 100 }, Ct)).Should().Be(1);

        (await GetAsync(job.Id)).Should().BeNull();
        (await Storage.GetQueueStatisticsAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task PruneAsync_Limit_DeletesAtMostLimit()
    {
        NewJob[] jobs = Enumerable.Range(0, 5).Select(_ => Job()).ToArray();
        await EnqueueAsync(jobs);
        await Storage.CancelAsync(new CancelRequest { Ids = jobs.Select(j => j.Id).ToArray(), Now = At(10) }, Ct);

        int first = await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(100), Limit = 3 }, Ct);
        int second = await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(100), Limit = 3 }, Ct);
        int third = await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(100), Limit = 3 }, Ct);

        new[] { first, second, third }.Should().Equal(3, 2, 0);
    }

    [Fact]
    public async Task PruneAsync_PrunedSucceededJob_FreesItsKey()
    {
        await EnqueueOneAsync(Job(key: "k"));
        await CompleteAsync(await FetchOneAsync(), At(2_000));
        NewJob again = Job(key: "k");

        await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(2_001), Limit = 100 }, Ct);
        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(At(3_000), again);

        results.Should().Equal(new EnqueueResult { Id = again.Id, Created = true });
    }

    [Fact]
    public async Task PruneAsync_FinishedBatch_DeletedWithItsJobs()
    {
        (BatchId batchId, NewJob[] children, _, NewJob failure) = await EnqueueBatchAsync(1);
        await CompleteAsync(await FetchOneAsync(), At(2_000));

        int pruned = await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(2_001), Limit = 100 }, Ct);

        pruned.Should().Be(2, "the child and the cancelled failure callback");
        (await Storage.GetBatchAsync(batchId, Ct)).Should().BeNull();
        (await GetAsync(children[0].Id)).Should().BeNull();
        (await GetAsync(failure.Id)).Should().BeNull();
    }

    [Fact]
    public async Task PruneAsync_UnfinishedBatch_IsKept()
    {
        (BatchId batchId, _, _, _) = await EnqueueBatchAsync(2);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 2);
        await FailAsync(leased[0], At(2_000));

        await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(1_000_000), Limit = 100 }, Ct);

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Failed);
        batch.Pending.Should().Be(1);
    }

    [Fact]
    public async Task PruneAsync_NothingFinished_ReturnsZero()
    {
        await EnqueueAsync(Job(), Job(runAt: At(9_000)));

        (await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(1_000_000), Limit = 100 }, Ct)).Should().Be(0);
    }

    [Fact]
    public async Task RescueExpiredLeasesAsync_LastAttemptWithKey_FreesKey()
    {
        await EnqueueOneAsync(Job(maxAttempts: 1, key: "k"));
        await FetchOneAsync(now: At(100), leaseExpiresAt: At(200));
        await RescueAsync(At(200));
        NewJob again = Job(key: "k");

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(At(300), again);

        results.Should().Equal(new EnqueueResult { Id = again.Id, Created = true });
    }

    [Fact]
    public async Task PruneAsync_ZeroLimit_DeletesNothing()
    {
        (BatchId batchId, _, _, _) = await EnqueueBatchAsync(1);
        await CompleteAsync(await FetchOneAsync(), At(2_000));

        (await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(1_000_000), Limit = 0 }, Ct)).Should().Be(0);

        (await Storage.GetBatchAsync(batchId, Ct)).Should().NotBeNull();
        (await StatisticsAsync())!.Succeeded.Should().Be(1);
    }
}
