using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task QueryJobsAsync_NoFilter_NewestEnqueuedFirst()
    {
        NewJob oldest = await EnqueueOneAsync(Job(), At(100));
        NewJob[] sameTime = [Job(), Job()];
        await EnqueueAsync(At(200), sameTime);
        NewJob newest = await EnqueueOneAsync(Job(queue: "other"), At(300));

        IReadOnlyList<StoredJob> jobs = await Storage.QueryJobsAsync(new JobQuery(), Ct);

        jobs.Select(j => j.Id).Should().Equal(newest.Id, sameTime[1].Id, sameTime[0].Id, oldest.Id);
    }

    [Fact]
    public async Task QueryJobsAsync_OffsetAndLimit_PageThroughNewestFirst()
    {
        NewJob[] jobs = Enumerable.Range(0, 5).Select(_ => Job()).ToArray();
        for (int i = 0; i < jobs.Length; i++)
        {
            await EnqueueOneAsync(jobs[i], At(i * 10));
        }

        IReadOnlyList<StoredJob> page = await Storage.QueryJobsAsync(new JobQuery { Offset = 1, Limit = 2 }, Ct);
        IReadOnlyList<StoredJob> last = await Storage.QueryJobsAsync(new JobQuery { Offset = 4, Limit = 2 }, Ct);
        IReadOnlyList<StoredJob> beyond = await Storage.QueryJobsAsync(new JobQuery { Offset = 5, Limit = 2 }, Ct);

        page.Select(j => j.Id).Should().Equal(jobs[3].Id, jobs[2].Id);
        last.Select(j => j.Id).Should().Equal(jobs[0].Id);
        beyond.Should().BeEmpty();
    }

    [Fact]
    public async Task QueryJobsAsync_Filters_MatchQueueStateAndBatch()
    {
        NewJob mail = Job(queue: "mail");
        NewJob mailScheduled = Job(queue: "mail", runAt: At(9_000));
        NewJob other = Job(queue: "other");
        await EnqueueAsync(mail, mailScheduled, other);
        (BatchId batchId, NewJob[] children, NewJob success, NewJob failure) = await EnqueueBatchAsync(2, At(10), queue: "batch");

        IReadOnlyList<StoredJob> byQueue = await Storage.QueryJobsAsync(new JobQuery { Queue = "mail" }, Ct);
        IReadOnlyList<StoredJob> byState = await Storage.QueryJobsAsync(new JobQuery { State = JobState.Scheduled }, Ct);
        IReadOnlyList<StoredJob> byBoth = await Storage.QueryJobsAsync(new JobQuery { Queue = "mail", State = JobState.Enqueued }, Ct);
        IReadOnlyList<StoredJob> byBatch = await Storage.QueryJobsAsync(new JobQuery { BatchId = batchId }, Ct);
        IReadOnlyList<StoredJob> none = await Storage.QueryJobsAsync(new JobQuery { Queue = "nope" }, Ct);

        byQueue.Select(j => j.Id).Should().BeEquivalentTo([mail.Id, mailScheduled.Id]);
        byState.Select(j => j.Id).Should().Equal(mailScheduled.Id);
        byBoth.Select(j => j.Id).Should().Equal(mail.Id);
        byBatch.Select(j => j.Id).Should().BeEquivalentTo([.. children.Select(c => c.Id), success.Id, failure.Id]);
        none.Should().BeEmpty();
    }

    [Fact]
    public async Task GetQueueStatisticsAsync_JobsInEveryState_CountsPerQueue()
    {
        await EnqueueAsync(
            Job(), Job(), Job(), Job(), Job(), Job(runAt: At(5_000)), Job(queue: "other"));
        (_, _, _, _) = await EnqueueBatchAsync(1, queue: "batch");
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 4);
        await CompleteAsync(leased[0], At(2_000));
        await FailAsync(leased[1], At(2_000));
        await CancelAsync(leased[2].Id, At(2_000));

        QueueStatistics stats = (await StatisticsAsync())!;
        QueueStatistics other = (await StatisticsAsync("other"))!;
        QueueStatistics callbacks = (await StatisticsAsync("callbacks"))!;

        stats.Should().BeEquivalentTo(new QueueStatistics
        {
            Queue = DefaultQueue, Scheduled = 1, Enqueued = 1, Running = 1, Succeeded = 1, Failed = 1, Cancelled = 1, Awaiting = 0,
        });
        other.Should().BeEquivalentTo(new QueueStatistics { Queue = "other", Enqueued = 1 });
        callbacks.Should().BeEquivalentTo(new QueueStatistics { Queue = "callbacks", Awaiting = 2 });
        (await Storage.GetQueueStatisticsAsync(Ct)).Select(s => s.Queue).Should().BeEquivalentTo([DefaultQueue, "other", "callbacks", "batch"]);
    }

    [Fact]
    public async Task GetQueueStatisticsAsync_EmptyStore_ReturnsNoQueues()
    {
        (await Storage.GetQueueStatisticsAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task ReturnedJobs_AreSnapshots_NotChangedByLaterWrites()
    {
        NewJob job = await EnqueueOneAsync(Job());
        StoredJob before = await GetRequiredAsync(job.Id);
        StoredJob leased = await FetchOneAsync();

        await FailAsync(leased, At(2_000), retryAt: At(3_000));

        before.State.Should().Be(JobState.Enqueued);
        before.Errors.Should().BeEmpty();
        leased.State.Should().Be(JobState.Running);
        leased.Errors.Should().BeEmpty();
    }
}
