using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using StackExchange.Redis;
using static JobQueue.Redis.Tests.StoreRequests;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>Batch failure policies and nested batches on Redis: the accounting of childdone() in the finishing script.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisBatchStorageTests
{
    private readonly RedisFixture _fixture;

    public RedisBatchStorageTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task FailAsync_FirstFailureOfFailFastBatch_CancelsUnfinishedChildrenRunningOnesIncluded()
    {
        await using RedisJobStorage storage = NewStorage();
        var batch = new NewBatch { Id = BatchId.New(), FailurePolicy = BatchFailurePolicy.FailFast, FailureCallback = Job() with { Queue = "callbacks" } };
        NewJob failing = Job() with { BatchId = batch.Id }, running = Job() with { BatchId = batch.Id, LimitKey = "k" }, waiting = Job() with { BatchId = batch.Id, RunAt = T0.AddHours(1) };
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [failing, running, waiting], Batch = batch, Now = T0 }, Deadline.Token());
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(Fetch(2), Deadline.Token());

        await storage.FailAsync([new JobFailure { Id = failing.Id, LeaseToken = leased[0].LeaseToken!.Value, Error = new JobError { Type = "Boom", Message = "boom" }, Now = T0 }], Deadline.Token());
        IReadOnlyList<bool> lateWrite = await storage.CompleteAsync([new JobCompletion { Id = running.Id, LeaseToken = leased[1].LeaseToken!.Value, Now = T0 }], Deadline.Token());
        IReadOnlyList<StoredJob?> jobs = await storage.GetJobsAsync([running.Id, waiting.Id], Deadline.Token());
        StoredBatch? stored = await storage.GetBatchAsync(batch.Id, Deadline.Token());

        leased.Select(j => j.Id).Should().Equal(failing.Id, running.Id);
        lateWrite.Should().Equal(false);
        jobs.Select(j => j!.State).Should().Equal(JobState.Cancelled, JobState.Cancelled);
        stored!.State.Should().Be(BatchState.Failed);
        stored.Failed.Should().Be(3);
        stored.FinishedAt.Should().Be(T0);
        stored.FailurePolicy.Should().Be(BatchFailurePolicy.FailFast);
        (await (await RedisStores.DatabaseAsync(storage)).SetLengthAsync(storage.Prefix + "run:k")).Should().Be(0);
    }

    [Fact]
    public async Task CompleteAsync_LastChildOfNestedBatch_CountsItInItsParentRecursively()
    {
        await using RedisJobStorage storage = NewStorage();
        BatchId root = BatchId.New(), middle = BatchId.New(), leaf = BatchId.New();
        NewJob rootChild = Job() with { BatchId = root }, leafChild = Job() with { BatchId = leaf };
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [rootChild], Batch = new NewBatch { Id = root }, Now = T0 }, Deadline.Token());
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [], Batch = new NewBatch { Id = middle, ParentBatchId = root }, Now = T0 }, Deadline.Token());
        StoredBatch? emptyMiddle = await storage.GetBatchAsync(middle, Deadline.Token());
        StoredBatch? rootAfterEmpty = await storage.GetBatchAsync(root, Deadline.Token());

        // An empty nested batch succeeds at once and counts in its parent at once; a second level counts through the first.
        BatchId middle2 = BatchId.New();
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [], Batch = new NewBatch { Id = middle2, ParentBatchId = root, SuccessCallback = Job() with { Queue = "callbacks" } }, Now = T0 }, Deadline.Token());
        Func<Task> intoFinished = () => storage.EnqueueAsync(new EnqueueRequest { Jobs = [leafChild], Batch = new NewBatch { Id = leaf, ParentBatchId = middle2 }, Now = T0 }, Deadline.Token()).AsTask();
        await intoFinished.Should().ThrowAsync<InvalidOperationException>();

        BatchId open = BatchId.New();
        NewJob openChild = Job() with { BatchId = open };
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [openChild], Batch = new NewBatch { Id = open, ParentBatchId = root }, Now = T0 }, Deadline.Token());
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [leafChild], Batch = new NewBatch { Id = leaf, ParentBatchId = open }, Now = T0 }, Deadline.Token());
        foreach (StoredJob job in await storage.FetchAsync(Fetch(10), Deadline.Token()))
        {
            await storage.CompleteAsync([new JobCompletion { Id = job.Id, LeaseToken = job.LeaseToken!.Value, Now = T0 }], Deadline.Token());
        }

        StoredBatch? rootAtEnd = await storage.GetBatchAsync(root, Deadline.Token());
        StoredBatch? leafAtEnd = await storage.GetBatchAsync(leaf, Deadline.Token());

        emptyMiddle!.State.Should().Be(BatchState.Succeeded);
        emptyMiddle.ParentBatchId.Should().Be(root);
        rootAfterEmpty!.Total.Should().Be(2);
        rootAfterEmpty.Succeeded.Should().Be(1);
        leafAtEnd!.State.Should().Be(BatchState.Succeeded);
        rootAtEnd!.State.Should().Be(BatchState.Succeeded);
        rootAtEnd.Total.Should().Be(4, "its job and three nested batches");
        rootAtEnd.Succeeded.Should().Be(4);
        rootAtEnd.FinishedAt.Should().Be(T0);
    }

    [Fact]
    public async Task FailAsync_NestedBatchFails_CountsAsAFailureOfItsParent()
    {
        await using RedisJobStorage storage = NewStorage();
        BatchId parent = BatchId.New(), nested = BatchId.New();
        NewJob sibling = Job() with { BatchId = parent, RunAt = T0.AddHours(1) }, child = Job() with { BatchId = nested };
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [sibling], Batch = new NewBatch { Id = parent, FailurePolicy = BatchFailurePolicy.FailFast }, Now = T0 }, Deadline.Token());
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [child], Batch = new NewBatch { Id = nested, ParentBatchId = parent }, Now = T0 }, Deadline.Token());
        StoredJob leased = (await storage.FetchAsync(Fetch(), Deadline.Token())).Single();

        await storage.FailAsync([new JobFailure { Id = child.Id, LeaseToken = leased.LeaseToken!.Value, Error = new JobError { Type = "Boom", Message = "boom" }, Now = T0 }], Deadline.Token());
        StoredBatch? parentAtEnd = await storage.GetBatchAsync(parent, Deadline.Token());
        StoredJob? siblingAtEnd = (await storage.GetJobsAsync([sibling.Id], Deadline.Token()))[0];

        parentAtEnd!.State.Should().Be(BatchState.Failed);
        parentAtEnd.Failed.Should().Be(2, "the nested batch, then its sibling cancelled by the parent's fail-fast");
        parentAtEnd.FinishedAt.Should().Be(T0);
        siblingAtEnd!.State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task EnqueueAsync_ParentBatchMissing_ThrowsAndWritesNothing()
    {
        await using RedisJobStorage storage = NewStorage();
        BatchId nested = BatchId.New();
        NewJob child = Job() with { BatchId = nested };

        Func<Task> enqueue = () => storage.EnqueueAsync(new EnqueueRequest { Jobs = [child], Batch = new NewBatch { Id = nested, ParentBatchId = BatchId.New() }, Now = T0 }, Deadline.Token()).AsTask();

        (await enqueue.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*does not exist*");
        (await storage.GetBatchAsync(nested, Deadline.Token())).Should().BeNull();
        (await storage.GetJobsAsync([child.Id], Deadline.Token())).Should().Equal([null]);
    }

    private RedisJobStorage NewStorage() => RedisStores.Create(_fixture.Server.ConnectionString, "p" + Guid.NewGuid().ToString("N"));
}
