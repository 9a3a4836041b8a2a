using JobQueue.Sqlite.Storage;
using JobQueue.Storage;

namespace JobQueue.Sqlite.Tests.Storage;

/// <summary>Batch failure policy and nested batches on the SQLite store (schema version 7).</summary>
public sealed class SqliteBatchFlowTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task FailAsync_FirstFailureOfFailFastBatch_CancelsUnfinishedChildJobsButNotNestedBatches()
    {
        SqliteJobStorage store = _database.CreateStore();
        var batchId = BatchId.New();
        NewJob failing = TestJobs.New(batchId: batchId, priority: 2);
        NewJob running = TestJobs.New(batchId: batchId, priority: 1);
        NewJob waiting = TestJobs.New(batchId: batchId, runAt: TestJobs.Now.AddHours(1));
        NewJob onFailure = TestJobs.New(queue: "callbacks", batchId: batchId);
        await store.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [failing, running, waiting],
            Batch = new NewBatch { Id = batchId, FailureCallback = onFailure, FailurePolicy = BatchFailurePolicy.FailFast },
            Now = TestJobs.Now,
        }, CancellationToken.None);
        var nestedId = BatchId.New();
        NewJob nestedChild = TestJobs.New(queue: "nested", batchId: nestedId);
        await store.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [nestedChild],
            Batch = new NewBatch { Id = nestedId, ParentBatchId = batchId },
            Now = TestJobs.Now,
        }, CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None);

        await store.FailAsync([Failure(leased[0])], CancellationToken.None);
        IReadOnlyList<bool> lateCompletion = await store.CompleteAsync([TestJobs.Completion(leased[1])], CancellationToken.None);
        StoredBatch afterFailure = (await store.GetBatchAsync(batchId, CancellationToken.None))!;
        StoredJob nestedLeased = (await store.FetchAsync(TestJobs.Fetch(queue: "nested"), CancellationToken.None)).Single();
        await store.CompleteAsync([TestJobs.Completion(nestedLeased)], CancellationToken.None);
        StoredBatch atTheEnd = (await store.GetBatchAsync(batchId, CancellationToken.None))!;

        leased.Select(job => job.Id).Should().Equal(failing.Id, running.Id);
        IReadOnlyList<StoredJob?> jobs = await store.GetJobsAsync([running.Id, waiting.Id, onFailure.Id], CancellationToken.None);
        jobs.Select(job => job!.State).Should().Equal(JobState.Cancelled, JobState.Cancelled, JobState.Enqueued);
        lateCompletion.Should().Equal(false);
        afterFailure.Should().BeEquivalentTo(new { State = BatchState.Failed, Total = 4, Failed = 3, Succeeded = 0, FailurePolicy = BatchFailurePolicy.FailFast, FinishedAt = (DateTimeOffset?)null });
        nestedLeased.Id.Should().Be(nestedChild.Id, "a nested batch is not cancelled");
        atTheEnd.Should().BeEquivalentTo(new { State = BatchState.Failed, Total = 4, Failed = 3, Succeeded = 1, Pending = 0 });
        atTheEnd.FinishedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task FailAsync_LastChildOfNestedBatchFails_CountsTheNestedBatchAsAFailureInItsParent()
    {
        SqliteJobStorage store = _database.CreateStore();
        var parentId = BatchId.New();
        NewJob sibling = TestJobs.New(queue: "parent", batchId: parentId);
        NewJob onSuccess = TestJobs.New(queue: "callbacks", batchId: parentId);
        NewJob onFailure = TestJobs.New(queue: "callbacks", batchId: parentId);
        await store.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [sibling],
            Batch = new NewBatch { Id = parentId, SuccessCallback = onSuccess, FailureCallback = onFailure },
            Now = TestJobs.Now,
        }, CancellationToken.None);
        var nestedId = BatchId.New();
        var innerId = BatchId.New();
        NewJob nestedChild = TestJobs.New(batchId: nestedId);
        NewJob innerChild = TestJobs.New(queue: "inner", batchId: innerId);
        await store.EnqueueAsync(new EnqueueRequest { Jobs = [nestedChild], Batch = new NewBatch { Id = nestedId, ParentBatchId = parentId }, Now = TestJobs.Now }, CancellationToken.None);
        await store.EnqueueAsync(new EnqueueRequest { Jobs = [innerChild], Batch = new NewBatch { Id = innerId, ParentBatchId = nestedId }, Now = TestJobs.Now }, CancellationToken.None);

        StoredJob inner = (await store.FetchAsync(TestJobs.Fetch(queue: "inner"), CancellationToken.None)).Single();
        await store.CompleteAsync([TestJobs.Completion(inner)], CancellationToken.None);
        StoredBatch nestedAfterInner = (await store.GetBatchAsync(nestedId, CancellationToken.None))!;
        StoredJob child = (await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None)).Single();
        await store.FailAsync([Failure(child)], CancellationToken.None);
        StoredBatch nested = (await store.GetBatchAsync(nestedId, CancellationToken.None))!;
        StoredBatch parent = (await store.GetBatchAsync(parentId, CancellationToken.None))!;

        nestedAfterInner.Should().BeEquivalentTo(new { Total = 2, Succeeded = 1, Failed = 0, ParentBatchId = (BatchId?)parentId });
        nested.Should().BeEquivalentTo(new { State = BatchState.Failed, Succeeded = 1, Failed = 1, Pending = 0 });
        parent.Should().BeEquivalentTo(new { State = BatchState.Failed, Total = 2, Succeeded = 0, Failed = 1, Pending = 1 });
        (await store.GetJobsAsync([onFailure.Id, onSuccess.Id], CancellationToken.None)).Select(job => job!.State)
            .Should().Equal(JobState.Enqueued, JobState.Cancelled);
    }

    [Fact]
    public async Task CompleteAsync_NestedBatchSucceeds_CountsAsASuccessAndReleasesTheParentsCallback()
    {
        SqliteJobStorage store = _database.CreateStore();
        var parentId = BatchId.New();
        NewJob onSuccess = TestJobs.New(queue: "callbacks", batchId: parentId);
        await store.EnqueueAsync(new EnqueueRequest { Jobs = [TestJobs.New(queue: "parent", batchId: parentId)], Batch = new NewBatch { Id = parentId, SuccessCallback = onSuccess }, Now = TestJobs.Now }, CancellationToken.None);
        var nestedId = BatchId.New();
        await store.EnqueueAsync(new EnqueueRequest { Jobs = [TestJobs.New(batchId: nestedId)], Batch = new NewBatch { Id = nestedId, ParentBatchId = parentId }, Now = TestJobs.Now }, CancellationToken.None);

        foreach (string queue in new[] { "default", "parent" })
        {
            StoredJob job = (await store.FetchAsync(TestJobs.Fetch(queue: queue), CancellationToken.None)).Single();
            await store.CompleteAsync([TestJobs.Completion(job)], CancellationToken.None);
        }

        (await store.GetBatchAsync(parentId, CancellationToken.None))!.Should().BeEquivalentTo(new { State = BatchState.Succeeded, Total = 2, Succeeded = 2 });
        (await store.GetJobsAsync([onSuccess.Id], CancellationToken.None))[0]!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task EnqueueAsync_NestedInMissingOrFinishedBatch_ThrowsAndWritesNothing()
    {
        SqliteJobStorage store = _database.CreateStore();
        var finishedId = BatchId.New();
        await store.EnqueueAsync(new EnqueueRequest { Jobs = [TestJobs.New(batchId: finishedId)], Batch = new NewBatch { Id = finishedId }, Now = TestJobs.Now }, CancellationToken.None);
        StoredJob only = (await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None)).Single();
        await store.CompleteAsync([TestJobs.Completion(only)], CancellationToken.None);
        var underMissing = BatchId.New();
        var underFinished = BatchId.New();
        NewJob a = TestJobs.New(batchId: underMissing), b = TestJobs.New(batchId: underFinished);

        Func<Task> missing = async () => await store.EnqueueAsync(new EnqueueRequest { Jobs = [a], Batch = new NewBatch { Id = underMissing, ParentBatchId = BatchId.New() }, Now = TestJobs.Now }, CancellationToken.None);
        Func<Task> finished = async () => await store.EnqueueAsync(new EnqueueRequest { Jobs = [b], Batch = new NewBatch { Id = underFinished, ParentBatchId = finishedId }, Now = TestJobs.Now }, CancellationToken.None);

        await missing.Should().ThrowAsync<InvalidOperationException>().WithMessage("*does not exist*");
        await finished.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already finished*");
        (await store.GetBatchAsync(underMissing, CancellationToken.None)).Should().BeNull();
        (await store.GetBatchAsync(underFinished, CancellationToken.None)).Should().BeNull();
        (await store.GetJobsAsync([a.Id, b.Id], CancellationToken.None)).Should().OnlyContain(job => job == null);
        (await store.GetBatchAsync(finishedId, CancellationToken.None))!.Total.Should().Be(1);
    }

    private static JobFailure Failure(StoredJob job) => new()
    {
        Id = job.Id,
        LeaseToken = job.LeaseToken!.Value,
        Error = new JobError { Type = "Boom", Message = "failed for good" },
        Now = TestJobs.Now,
    };
}
