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

        IReadOnlyList<StoredJob> jobs = await ListAsync(new JobQuery { Limit = 100, CountLimit = 0 });

        jobs.Select(j => j.Id).Should().Equal(newest.Id, sameTime[1].Id, sameTime[0].Id, oldest.Id);
    }

    [Fact]
    public async Task QueryJobsAsync_Filters_MatchQueueStateAndBatch()
    {
        NewJob mail = Job(queue: "mail");
        NewJob mailScheduled = Job(queue: "mail", runAt: At(9_000));
        NewJob other = Job(queue: "other");
        await EnqueueAsync(mail, mailScheduled, other);
        (BatchId batchId, NewJob[] children, NewJob success, NewJob failure) = await EnqueueBatchAsync(2, At(10), queue: "batch");

        IReadOnlyList<StoredJob> byQueue = await ListAsync(new JobQuery { Queue = "mail", Limit = 100, CountLimit = 0 });
        IReadOnlyList<StoredJob> byState = await ListAsync(new JobQuery { State = JobState.Scheduled, Limit = 100, CountLimit = 0 });
        IReadOnlyList<StoredJob> byBoth = await ListAsync(new JobQuery { Queue = "mail", State = JobState.Enqueued, Limit = 100, CountLimit = 0 });
        IReadOnlyList<StoredJob> byBatch = await ListAsync(new JobQuery { BatchId = batchId, Limit = 100, CountLimit = 0 });
        IReadOnlyList<StoredJob> none = await ListAsync(new JobQuery { Queue = "nope", Limit = 100, CountLimit = 0 });

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
    public async Task GetReadyQueuesAsync_ReadyJobsOfSeveralPriorities_CountsThemAndFindsTheOldestWhateverItsPriority()
    {
        // The oldest ready job has the lowest priority: it is neither the next to run nor the last entry of the queue.
        await EnqueueAsync(At(1_000), Job(runAt: At(100), priority: 0), Job(runAt: At(300), priority: 5), Job(runAt: At(200), priority: 9));
        await EnqueueAsync(At(1_000), Job(queue: "other", runAt: At(700)), Job(queue: "other", runAt: At(600), priority: 2));
        await EnqueueAsync(At(1_000), Job(queue: "scheduled-only", runAt: At(9_000)));

        IReadOnlyList<ReadyQueue> ready = await Storage.GetReadyQueuesAsync(Ct);

        ready.Should().BeEquivalentTo(
            [
                new ReadyQueue { Queue = DefaultQueue, Count = 3, OldestRunAt = At(100) },
                new ReadyQueue { Queue = "other", Count = 2, OldestRunAt = At(600) },
            ],
            "scheduled jobs are not ready, and a queue with no ready job is not listed");
    }

    [Fact]
    public async Task GetReadyQueuesAsync_OldestLeasedOrFinished_TheNextOldestReadyCounts()
    {
        await EnqueueAsync(At(1_000), Job(runAt: At(100)), Job(runAt: At(200)), Job(runAt: At(300)));
        StoredJob first = await FetchOneAsync(now: At(1_000));
        await CompleteAsync(first, At(1_100));
        await FetchOneAsync(now: At(1_200));

        IReadOnlyList<ReadyQueue> ready = await Storage.GetReadyQueuesAsync(Ct);

        ready.Should().ContainSingle().Which.Should().BeEquivalentTo(new ReadyQueue { Queue = DefaultQueue, Count = 1, OldestRunAt = At(300) });
    }

    [Fact]
    public async Task GetReadyQueuesAsync_EmptyStore_ReturnsNoQueues()
    {
        (await Storage.GetReadyQueuesAsync(Ct)).Should().BeEmpty();
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
