using JobQueue.Storage;
using JobQueue.TestSupport;

namespace JobQueue.Postgres.Tests.Storage;

/// <summary>Batch failure policy and nested batches on PostgreSQL (the batches_flow trigger of migration 6).</summary>
public sealed class PostgresBatchFlowTests : IAsyncLifetime
{
    private PostgresTestStore _store = null!;

    private IJobStorage Storage => _store.Storage;

    public async Task InitializeAsync() => _store = await PostgresTestStore.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task FailAsync_FirstFailureOfAFailFastBatch_CancelsItsUnfinishedChildrenInTheSameStep()
    {
        BatchId batch = BatchId.New();
        NewJob failing = Requests.Job(batchId: batch), running = Requests.Job(batchId: batch);
        NewJob waiting = Requests.Job(batchId: batch, runAt: Requests.Now.AddHours(1));
        NewJob onFailure = Requests.Job() with { Queue = "callbacks" };
        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [failing, running, waiting],
            Batch = new NewBatch { Id = batch, FailurePolicy = BatchFailurePolicy.FailFast, FailureCallback = onFailure },
            Now = Requests.Now,
        }, CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Requests.Fetch(), CancellationToken.None);

        await Fail(leased.Single(j => j.Id == failing.Id));

        StoredBatch stored = (await Storage.GetBatchAsync(batch, CancellationToken.None))!;
        stored.State.Should().Be(BatchState.Failed);
        stored.Failed.Should().Be(3);
        stored.FinishedAt.Should().Be(Requests.Now.AddSeconds(2));
        stored.FailurePolicy.Should().Be(BatchFailurePolicy.FailFast);
        IReadOnlyList<StoredJob?> jobs = await Storage.GetJobsAsync([running.Id, waiting.Id, onFailure.Id], CancellationToken.None);
        jobs[0]!.State.Should().Be(JobState.Cancelled);
        jobs[0]!.LeaseToken.Should().BeNull();
        jobs[1]!.State.Should().Be(JobState.Cancelled);
        jobs[2]!.State.Should().Be(JobState.Enqueued);
        (await Storage.CompleteAsync([Requests.Completion(leased.Single(j => j.Id == running.Id))], CancellationToken.None))
            .Should().Equal([false], "the cancelled attempt's writes are refused");
    }

    [Fact]
    public async Task CompleteAsync_LastChildOfANestedBatch_CountsItInItsParentRecursively()
    {
        BatchId root = BatchId.New(), middle = BatchId.New(), leaf = BatchId.New();
        NewJob rootChild = Requests.Job(batchId: root), onSuccess = Requests.Job() with { Queue = "callbacks" };
        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [rootChild], Batch = new NewBatch { Id = root, SuccessCallback = onSuccess }, Now = Requests.Now,
        }, CancellationToken.None);
        await Storage.EnqueueAsync(new EnqueueRequest { Jobs = [], Batch = new NewBatch { Id = middle, ParentBatchId = root }, Now = Requests.Now },
            CancellationToken.None);
        NewJob leafChild = Requests.Job(batchId: leaf);
        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [leafChild], Batch = new NewBatch { Id = leaf, ParentBatchId = root }, Now = Requests.Now,
        }, CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Requests.Fetch(), CancellationToken.None);

        await Storage.CompleteAsync([Requests.Completion(leased.Single(j => j.Id == rootChild.Id))], CancellationToken.None);
        StoredBatch beforeLeaf = (await Storage.GetBatchAsync(root, CancellationToken.None))!;
        await Storage.CompleteAsync([Requests.Completion(leased.Single(j => j.Id == leafChild.Id))], CancellationToken.None);

        beforeLeaf.Should().Match<StoredBatch>(b => b.Total == 3 && b.Succeeded == 2 && b.State == BatchState.Running,
            "the empty nested batch succeeded at once and counted; the other is pending");
        StoredBatch rootAfter = (await Storage.GetBatchAsync(root, CancellationToken.None))!;
        rootAfter.State.Should().Be(BatchState.Succeeded);
        rootAfter.Succeeded.Should().Be(3);
        rootAfter.FinishedAt.Should().Be(Requests.Now.AddSeconds(1));
        (await Storage.GetBatchAsync(leaf, CancellationToken.None))!.ParentBatchId.Should().Be(root);
        (await Storage.GetJobsAsync([onSuccess.Id], CancellationToken.None))[0]!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task FailAsync_InANestedBatch_FailsTheFailFastParentWhichCancelsItsChildrenAndCountsInTheRoot()
    {
        BatchId root = BatchId.New(), parent = BatchId.New(), nested = BatchId.New();
        NewJob rootChild = Requests.Job(batchId: root, runAt: Requests.Now.AddHours(1));
        await Storage.EnqueueAsync(new EnqueueRequest { Jobs = [rootChild], Batch = new NewBatch { Id = root }, Now = Requests.Now },
            CancellationToken.None);
        NewJob parentChild = Requests.Job(batchId: parent, runAt: Requests.Now.AddHours(1));
        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [parentChild], Batch = new NewBatch { Id = parent, ParentBatchId = root, FailurePolicy = BatchFailurePolicy.FailFast },
            Now = Requests.Now,
        }, CancellationToken.None);
        NewJob nestedChild = Requests.Job(batchId: nested);
        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [nestedChild], Batch = new NewBatch { Id = nested, ParentBatchId = parent }, Now = Requests.Now,
        }, CancellationToken.None);

        await Fail((await Storage.FetchAsync(Requests.Fetch(), CancellationToken.None)).Single());

        (await Storage.GetBatchAsync(nested, CancellationToken.None))!.State.Should().Be(BatchState.Failed);
        StoredBatch parentAfter = (await Storage.GetBatchAsync(parent, CancellationToken.None))!;
        parentAfter.Should().Match<StoredBatch>(b => b.State == BatchState.Failed && b.Failed == 2 && b.Total == 2 && b.FinishedAt != null);
        (await Storage.GetJobsAsync([parentChild.Id], CancellationToken.None))[0]!.State.Should().Be(JobState.Cancelled);
        StoredBatch rootAfter = (await Storage.GetBatchAsync(root, CancellationToken.None))!;
        rootAfter.Should().Match<StoredBatch>(b => b.State == BatchState.Failed && b.Failed == 1 && b.Total == 2 && b.FinishedAt == null,
            "the root is Continue: its own child goes on");
        (await Storage.GetJobsAsync([rootChild.Id], CancellationToken.None))[0]!.State.Should().Be(JobState.Scheduled);
    }

    [Fact]
    public async Task EnqueueAsync_ParentMissingOrFinished_ThrowsAndWritesNothing()
    {
        BatchId finished = BatchId.New();
        await Storage.EnqueueAsync(new EnqueueRequest { Jobs = [], Batch = new NewBatch { Id = finished }, Now = Requests.Now }, CancellationToken.None);
        BatchId nested = BatchId.New();
        NewJob child = Requests.Job(batchId: nested);

        foreach (BatchId parent in new[] { BatchId.New(), finished })
        {
            Func<Task> act = () => Storage.EnqueueAsync(new EnqueueRequest
            {
                Jobs = [child], Batch = new NewBatch { Id = nested, ParentBatchId = parent }, Now = Requests.Now,
            }, CancellationToken.None).AsTask();

            await act.Should().ThrowAsync<InvalidOperationException>();
        }

        (await Storage.GetBatchAsync(nested, CancellationToken.None)).Should().BeNull();
        (await Storage.GetJobsAsync([child.Id], CancellationToken.None))[0].Should().BeNull();
        (await Storage.GetBatchAsync(finished, CancellationToken.None))!.Total.Should().Be(0);
    }

    private Task Fail(StoredJob job) => Storage.FailAsync([new JobFailure
    {
        Id = job.Id,
        LeaseToken = job.LeaseToken!.Value,
        Error = new JobError { Type = "Boom", Message = "failed", Attempt = job.Attempt, At = Requests.Now.AddSeconds(2) },
        Now = Requests.Now.AddSeconds(2),
    }], CancellationToken.None).AsTask();
}
