using System.Text;
using JobQueue.InMemory;
using JobQueue.TestSupport;

namespace JobQueue.Storage.Tests;

/// <summary>What only the in-memory store has: its capacity bound, and its answers where the contract leaves room.</summary>
public sealed class InMemoryJobStorageTests
{
    private static readonly DateTimeOffset s_t0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Capabilities_InMemory_HasEverySignal()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());

        storage.Capabilities.Should().Be(new StorageCapabilities
        {
            WakeUpSignal = true,
            FinishSignal = true,
            ChangeSignal = true,
        });
    }

    [Fact]
    public async Task EnqueueAsync_FullAndThrowWhenFull_ThrowsQueueFullAndWritesNothing()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 3, ThrowWhenFull = true });
        await EnqueueAsync(storage, Job(), Job());
        NewJob[] rejected = [Job(), Job(key: "k")];

        Func<Task> act = () => EnqueueAsync(storage, rejected);

        (await act.Should().ThrowAsync<QueueFullException>())
            .Which.Message.Should().Contain("capacity of 3").And.Contain("InMemoryStorageOptions.Capacity").And.Contain("ThrowWhenFull");
        (await storage.GetJobsAsync([rejected[0].Id, rejected[1].Id], CancellationToken.None)).Should().OnlyContain(j => j == null);
        (await EnqueueAsync(storage, Job(key: "k"))).Single().Created.Should().BeTrue("the rejected request took no key and the last slot is free");
    }

    [Fact]
    public async Task EnqueueAsync_Full_WaitsUntilAJobFinishes()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 1 });
        await EnqueueAsync(storage, Job());
        NewJob waiting = Job();

        Task<IReadOnlyList<EnqueueResult>> enqueue = EnqueueAsync(storage, waiting);

        enqueue.IsCompleted.Should().BeFalse("the store is full, so the enqueue waits for room");
        (await storage.GetJobsAsync([waiting.Id], CancellationToken.None))[0].Should().BeNull();
        StoredJob leased = (await FetchAsync(storage)).Single();
        (await storage.CompleteAsync([new JobCompletion { Id = leased.Id, LeaseToken = leased.LeaseToken!.Value, Now = s_t0.AddSeconds(1) }], CancellationToken.None))
            .Should().Equal(true);
        IReadOnlyList<EnqueueResult> results = await Deadline.Within(enqueue, "the enqueue to find room");
        results.Should().Equal(new EnqueueResult { Id = waiting.Id, Created = true });
    }

    [Fact]
    public async Task EnqueueAsync_FullThenCancelFreesRoom_WaitingEnqueueCompletes()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 2 });
        NewJob first = Job();
        await EnqueueAsync(storage, first, Job(runAt: s_t0.AddHours(1)));

        Task<IReadOnlyList<EnqueueResult>> enqueue = EnqueueAsync(storage, Job());
        enqueue.IsCompleted.Should().BeFalse();
        await storage.CancelAsync(new CancelRequest { Ids = [first.Id], Now = s_t0 }, CancellationToken.None);

        (await Deadline.Within(enqueue, "the enqueue to find room")).Single().Created.Should().BeTrue();
    }

    [Fact]
    public async Task EnqueueAsync_FullAndTokenCancelled_ThrowsAndWritesNothing()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 1 });
        await EnqueueAsync(storage, Job());
        NewJob waiting = Job();
        using var cts = new CancellationTokenSource();

        Task<IReadOnlyList<EnqueueResult>> enqueue = storage.EnqueueAsync(new EnqueueRequest { Jobs = [waiting], Now = s_t0 }, cts.Token).AsTask();
        await cts.CancelAsync();

        Func<Task> act = () => Deadline.Within(enqueue, "the enqueue to observe its cancelled token");
        await act.Should().ThrowAsync<OperationCanceledException>();
        (await storage.GetJobsAsync([waiting.Id], CancellationToken.None))[0].Should().BeNull();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EnqueueAsync_RequestLargerThanCapacity_ThrowsArgumentException(bool throwWhenFull)
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 2, ThrowWhenFull = throwWhenFull });

        Func<Task> act = () => EnqueueAsync(storage, Job(), Job(), Job());

        (await act.Should().ThrowAsync<ArgumentException>())
            .Which.Message.Should().Contain("3 jobs").And.Contain("capacity of 2");
        (await storage.GetQueueStatisticsAsync(CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task EnqueueAsync_BatchCallbacks_CountTowardCapacity()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 2, ThrowWhenFull = true });
        BatchId batchId = BatchId.New();

        Func<Task> act = async () => await storage.EnqueueAsync(
            new EnqueueRequest
            {
                Jobs = [Job(batchId: batchId)],
                Batch = new NewBatch { Id = batchId, SuccessCallback = Job(), FailureCallback = Job() },
                Now = s_t0,
            },
            CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>();
        (await storage.GetBatchAsync(batchId, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_FullButKeyHeld_ReturnsHolderWithoutWaiting()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 1, ThrowWhenFull = true });
        NewJob holder = Job(key: "k");
        await EnqueueAsync(storage, holder);

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(storage, Job(key: "k"));

        results.Should().Equal(new EnqueueResult { Id = holder.Id, Created = false });
    }

    [Fact]
    public async Task EnqueueAsync_FinishedJobsRetained_DoNotTakeRoom()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 1, ThrowWhenFull = true });
        NewJob first = Job();
        await EnqueueAsync(storage, first);
        await storage.CancelAsync(new CancelRequest { Ids = [first.Id], Now = s_t0 }, CancellationToken.None);

        (await EnqueueAsync(storage, Job())).Single().Created.Should().BeTrue();
        (await storage.GetJobsAsync([first.Id], CancellationToken.None))[0]!.State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task EnqueueAsync_AfterBatchFinishes_CancelledCallbackFreesRoomReleasedOneKeepsIt()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 3, ThrowWhenFull = true });
        BatchId batchId = BatchId.New();
        await storage.EnqueueAsync(
            new EnqueueRequest
            {
                Jobs = [Job(batchId: batchId)],
                Batch = new NewBatch { Id = batchId, SuccessCallback = Job(queue: "callbacks"), FailureCallback = Job(queue: "callbacks") },
                Now = s_t0,
            },
            CancellationToken.None);
        Func<Task> overflow = () => EnqueueAsync(storage, Job());
        await overflow.Should().ThrowAsync<QueueFullException>();
        StoredJob child = (await FetchAsync(storage)).Single();

        await storage.CompleteAsync([new JobCompletion { Id = child.Id, LeaseToken = child.LeaseToken!.Value, Now = s_t0 }], CancellationToken.None);

        (await EnqueueAsync(storage, Job(), Job())).Should().OnlyContain(r => r.Created);
        await overflow.Should().ThrowAsync<QueueFullException>("the released success callback still takes room");
    }

    [Fact]
    public async Task WaitForWorkAsync_NoSignal_StaysPendingUntilWork()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        await EnqueueAsync(storage, Job(queue: "other"));

        Task wait = storage.WaitForWorkAsync("q", CancellationToken.None).AsTask();

        wait.IsCompleted.Should().BeFalse("this store raises no spurious wake-ups");
        await EnqueueAsync(storage, Job(queue: "q"));
        await Deadline.Within(wait, "the wake-up of queue 'q'");
    }

    [Fact]
    public async Task WaitForWorkAsync_BurstOfSignals_CoalesceIntoOne()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        await EnqueueAsync(storage, Job(queue: "q"));
        await EnqueueAsync(storage, Job(queue: "q"));
        await Deadline.Within(storage.WaitForWorkAsync("q", CancellationToken.None).AsTask(), "the pending signal");

        Task second = storage.WaitForWorkAsync("q", CancellationToken.None).AsTask();

        second.IsCompleted.Should().BeFalse("one pending signal stands for any number of enqueues");
        await EnqueueAsync(storage, Job(queue: "q"));
        await Deadline.Within(second, "the next wake-up");
    }

    [Fact]
    public async Task WaitForFinishAsync_RunningJob_StaysPendingUntilFinish()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        NewJob job = Job();
        await EnqueueAsync(storage, job);
        StoredJob leased = (await FetchAsync(storage)).Single();

        Task wait = storage.WaitForFinishAsync(job.Id, CancellationToken.None).AsTask();
        Task sameJob = storage.WaitForFinishAsync(job.Id, CancellationToken.None).AsTask();

        wait.IsCompleted.Should().BeFalse();
        await storage.FailAsync(
            [new JobFailure { Id = job.Id, LeaseToken = leased.LeaseToken!.Value, Error = new JobError { Type = "T", Message = "m" }, RetryAt = s_t0.AddSeconds(5), Now = s_t0 }],
            CancellationToken.None);
        wait.IsCompleted.Should().BeFalse("a retry is no finish");
        await storage.CancelAsync(new CancelRequest { Ids = [job.Id], Now = s_t0.AddSeconds(1) }, CancellationToken.None);
        await Deadline.Within(Task.WhenAll(wait, sameJob), "both finish waiters");
    }

    [Fact]
    public async Task EnqueueAsync_BatchWithoutChildren_SucceedsAtOnce()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        BatchId batchId = BatchId.New();
        NewJob success = Job(queue: "callbacks");
        NewJob failure = Job(queue: "callbacks");

        await storage.EnqueueAsync(
            new EnqueueRequest { Jobs = [], Batch = new NewBatch { Id = batchId, SuccessCallback = success, FailureCallback = failure }, Now = s_t0 },
            CancellationToken.None);

        StoredBatch batch = (await storage.GetBatchAsync(batchId, CancellationToken.None))!;
        batch.State.Should().Be(BatchState.Succeeded);
        batch.FinishedAt.Should().Be(s_t0);
        IReadOnlyList<StoredJob?> callbacks = await storage.GetJobsAsync([success.Id, failure.Id], CancellationToken.None);
        callbacks.Select(j => j!.State).Should().Equal(JobState.Enqueued, JobState.Cancelled);
    }

    [Fact]
    public async Task EnqueueAsync_ChildOfFinishedBatch_ThrowsAndWritesNothing()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        BatchId batchId = BatchId.New();
        NewJob child = Job(batchId: batchId);
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [child], Batch = new NewBatch { Id = batchId }, Now = s_t0 }, CancellationToken.None);
        await storage.CancelAsync(new CancelRequest { Ids = [child.Id], Now = s_t0 }, CancellationToken.None);
        NewJob late = Job(batchId: batchId);

        Func<Task> act = () => EnqueueAsync(storage, late);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already finished*");
        (await storage.GetJobsAsync([late.Id], CancellationToken.None))[0].Should().BeNull();
        (await storage.GetBatchAsync(batchId, CancellationToken.None))!.Total.Should().Be(1);
    }

    [Fact]
    public async Task EnqueueAsync_ExistingBatchIdOrJobId_ThrowsAndWritesNothing()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        BatchId batchId = BatchId.New();
        NewJob job = Job(batchId: batchId);
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Batch = new NewBatch { Id = batchId }, Now = s_t0 }, CancellationToken.None);

        Func<Task> sameBatch = async () => await storage.EnqueueAsync(
            new EnqueueRequest { Jobs = [Job(batchId: batchId)], Batch = new NewBatch { Id = batchId }, Now = s_t0 }, CancellationToken.None);
        Func<Task> sameJob = () => EnqueueAsync(storage, Job(), job with { BatchId = null });

        NewJob twice = Job();
        Func<Task> twiceInRequest = () => EnqueueAsync(storage, twice, Job(), twice);

        await sameBatch.Should().ThrowAsync<InvalidOperationException>();
        await sameJob.Should().ThrowAsync<InvalidOperationException>();
        await twiceInRequest.Should().ThrowAsync<InvalidOperationException>();
        (await storage.GetBatchAsync(batchId, CancellationToken.None))!.Total.Should().Be(1);
        (await storage.GetQueueStatisticsAsync(CancellationToken.None)).Single().Enqueued.Should().Be(1);
    }

    [Fact]
    public async Task EnqueueOneAsync_PlainJob_WritesItAsEnqueueAsyncWould()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        NewJob due = Job();
        NewJob later = Job(runAt: s_t0.AddHours(1));

        (await storage.EnqueueOneAsync(due, s_t0, CancellationToken.None)).Should().Be(new EnqueueResult { Id = due.Id, Created = true });
        (await storage.EnqueueOneAsync(later, s_t0, CancellationToken.None)).Created.Should().BeTrue();

        IReadOnlyList<StoredJob?> stored = await storage.GetJobsAsync([due.Id, later.Id], CancellationToken.None);
        stored.Select(j => j!.State).Should().Equal(JobState.Enqueued, JobState.Scheduled);
        stored[0]!.EnqueuedAt.Should().Be(s_t0);
        stored[0]!.Attempt.Should().Be(0);
        (await FetchAsync(storage)).Single().Id.Should().Be(due.Id);
    }

    [Fact]
    public async Task EnqueueOneAsync_KeyedJobTwice_AnswersTheFirstJobAsEnqueueAsyncDoes()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        NewJob first = Job(key: "k");
        NewJob second = Job(key: "k");

        EnqueueResult created = await storage.EnqueueOneAsync(first, s_t0, CancellationToken.None);
        EnqueueResult deduplicated = await storage.EnqueueOneAsync(second, s_t0, CancellationToken.None);

        created.Should().Be(new EnqueueResult { Id = first.Id, Created = true });
        deduplicated.Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        (await storage.GetJobsAsync([second.Id], CancellationToken.None)).Should().OnlyContain(j => j == null);
    }

    [Fact]
    public async Task EnqueueOneAsync_FullAndThrowWhenFull_ThrowsQueueFullAndWritesNothing()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions { Capacity = 1, ThrowWhenFull = true });
        await storage.EnqueueOneAsync(Job(), s_t0, CancellationToken.None);
        NewJob overCapacity = Job();

        Func<Task> enqueue = async () => await storage.EnqueueOneAsync(overCapacity, s_t0, CancellationToken.None);

        await enqueue.Should().ThrowAsync<QueueFullException>();
        (await storage.GetJobsAsync([overCapacity.Id], CancellationToken.None)).Should().OnlyContain(j => j == null);
    }

    [Fact]
    public async Task EnqueueOneAsync_ExistingId_ThrowsAndKeepsTheFirstJob()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        NewJob first = Job();
        await storage.EnqueueOneAsync(first, s_t0, CancellationToken.None);

        Func<Task> again = async () => await storage.EnqueueOneAsync(first with { Queue = "other" }, s_t0, CancellationToken.None);

        await again.Should().ThrowAsync<InvalidOperationException>().WithMessage($"*{first.Id}*already exists*");
        (await storage.GetJobsAsync([first.Id], CancellationToken.None))[0]!.Queue.Should().Be("default");
        (await storage.GetQueueStatisticsAsync(CancellationToken.None)).Should().ContainSingle().Which.Enqueued.Should().Be(1);
    }

    [Fact]
    public async Task FetchAsync_JobsPushedOutOfFetchOrderAmongInOrderOnes_ComeOutInFetchOrder()
    {
        // Jobs pushed in fetch order take the store's fast lane; the others (a higher priority, an earlier run
        // time) go to its heap. Fetch must merge both, and skip a cancelled job wherever it sits.
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        NewJob first = Job(runAt: s_t0.AddSeconds(-10));
        NewJob cancelled = Job(runAt: s_t0.AddSeconds(-9));
        NewJob third = Job(runAt: s_t0.AddSeconds(-8));
        NewJob urgent = Job(priority: 5);
        NewJob earlier = Job(runAt: s_t0.AddSeconds(-20));
        NewJob last = Job(runAt: s_t0.AddSeconds(-1));
        NewJob urgentToo = Job(priority: 5, runAt: s_t0.AddSeconds(-30));
        foreach (NewJob job in new[] { first, cancelled, third, urgent, earlier, last, urgentToo })
        {
            await EnqueueAsync(storage, job);
        }

        await storage.CancelAsync(new CancelRequest { Ids = [cancelled.Id], Now = s_t0 }, CancellationToken.None);

        (await FetchAsync(storage)).Select(j => j.Id).Should().Equal(urgentToo.Id, urgent.Id, earlier.Id, first.Id, third.Id, last.Id);
    }

    [Fact]
    public async Task FetchAsync_RetryDueEarlierThanWaitingJobs_ComesFirst()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        NewJob retried = Job(runAt: s_t0.AddSeconds(-10));
        await EnqueueAsync(storage, retried);
        StoredJob leased = (await FetchAsync(storage)).Single();
        NewJob waiting = Job(runAt: s_t0.AddSeconds(-5));
        await EnqueueAsync(storage, waiting);

        await storage.RescheduleAsync(
            [new JobReschedule { Id = leased.Id, LeaseToken = leased.LeaseToken!.Value, RunAt = s_t0.AddSeconds(-7), Now = s_t0 }],
            CancellationToken.None);

        (await FetchAsync(storage)).Select(j => j.Id).Should().Equal(retried.Id, waiting.Id);
    }

    private static NewJob Job(string queue = "default", DateTimeOffset? runAt = null, string? key = null, BatchId? batchId = null, int priority = 0) => new()
    {
        Id = JobId.New(),
        Name = "test-job",
        Queue = queue,
        Arguments = Encoding.UTF8.GetBytes("{}"),
        MaxAttempts = 3,
        Timeout = TimeSpan.FromSeconds(30),
        RetryDelay = TimeSpan.FromSeconds(1),
        RunAt = runAt ?? s_t0,
        Priority = priority,
        IdempotencyKey = key,
        BatchId = batchId,
    };

    private static Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(InMemoryJobStorage storage, params NewJob[] jobs)
        => storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = s_t0 }, CancellationToken.None).AsTask();

    private static Task<IReadOnlyList<StoredJob>> FetchAsync(InMemoryJobStorage storage, string queue = "default")
        => storage.FetchAsync(
            new FetchRequest { Queue = queue, Limit = 10, Now = s_t0, LeaseToken = Guid.NewGuid(), LeaseExpiresAt = s_t0.AddMinutes(1), WorkerId = "w" },
            CancellationToken.None).AsTask();
}
