using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

// Batch failure policies and nested batches.
public abstract partial class StorageConformanceTests
{
    /// <summary>Creates a batch with children in the default queue and both callbacks in "callbacks".</summary>
    protected async Task<(BatchId Batch, NewJob[] Children, NewJob Success, NewJob Failure)> EnqueuePolicyBatchAsync(
        int children, BatchFailurePolicy policy = BatchFailurePolicy.Continue, BatchId? parent = null, DateTimeOffset? now = null)
    {
        BatchId batchId = BatchId.New();
        NewJob[] jobs = Enumerable.Range(0, children).Select(_ => Job(batchId: batchId)).ToArray();
        NewJob success = Job("callbacks", batchId: batchId, name: "on-success");
        NewJob failure = Job("callbacks", batchId: batchId, name: "on-failure");
        await Storage.EnqueueAsync(
            new EnqueueRequest
            {
                Jobs = jobs,
                Batch = new NewBatch { Id = batchId, SuccessCallback = success, FailureCallback = failure, FailurePolicy = policy, ParentBatchId = parent },
                Now = now ?? T0,
            },
            Ct);
        return (batchId, jobs, success, failure);
    }

    [Fact]
    public async Task FailAsync_FailFastBatch_FirstFailureCancelsEveryUnfinishedChildRunningOnesIncluded()
    {
        (BatchId batchId, NewJob[] children, NewJob success, NewJob failure) = await EnqueuePolicyBatchAsync(4, BatchFailurePolicy.FailFast);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 2);
        await CompleteAsync(leased[0], At(1_500));

        (await FailAsync(leased[1], At(2_000))).Should().BeTrue();

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Failed);
        batch.FailurePolicy.Should().Be(BatchFailurePolicy.FailFast);
        batch.Succeeded.Should().Be(1);
        batch.Failed.Should().Be(3, "the failed child and the two cancelled ones");
        batch.Pending.Should().Be(0);
        batch.FinishedAt.Should().Be(At(2_000));
        foreach (NewJob child in children.Skip(2))
        {
            StoredJob stored = await GetRequiredAsync(child.Id);
            stored.State.Should().Be(JobState.Cancelled);
            stored.FinishedAt.Should().Be(At(2_000));
        }

        (await GetRequiredAsync(failure.Id)).State.Should().Be(JobState.Enqueued, "the failure callback is released once");
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task FailAsync_FailFastBatch_CancelledRunningChildCannotWriteItsOutcome()
    {
        (BatchId batchId, _, _, _) = await EnqueuePolicyBatchAsync(2, BatchFailurePolicy.FailFast);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 2);

        await FailAsync(leased[0], At(2_000));

        (await GetRequiredAsync(leased[1].Id)).State.Should().Be(JobState.Cancelled);
        (await CompleteAsync(leased[1], At(2_100))).Should().BeFalse("its lease was cleared by the cancel");
        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.Succeeded.Should().Be(0);
        batch.Failed.Should().Be(2);
    }

    [Fact]
    public async Task CancelAsync_ChildOfFailFastBatch_CancelsItsSiblings()
    {
        (BatchId batchId, NewJob[] children, _, NewJob failure) = await EnqueuePolicyBatchAsync(3, BatchFailurePolicy.FailFast);

        await CancelAsync(children[0].Id, At(500));

        foreach (NewJob child in children)
        {
            (await GetRequiredAsync(child.Id)).State.Should().Be(JobState.Cancelled);
        }

        (await GetBatchRequiredAsync(batchId)).Pending.Should().Be(0);
        (await GetRequiredAsync(failure.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task FailAsync_ContinueBatch_OtherChildrenGoOn()
    {
        (BatchId batchId, NewJob[] children, _, NewJob failure) = await EnqueuePolicyBatchAsync(3);
        StoredJob first = await FetchOneAsync();

        await FailAsync(first, At(2_000));

        (await GetRequiredAsync(children[1].Id)).State.Should().Be(JobState.Enqueued);
        (await GetRequiredAsync(children[2].Id)).State.Should().Be(JobState.Enqueued);
        (await GetBatchRequiredAsync(batchId)).Pending.Should().Be(2);
        (await GetRequiredAsync(failure.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task EnqueueAsync_NestedBatch_CountsAsOneChildAndTheParentWaitsForIt()
    {
        (BatchId parentId, NewJob[] parentChildren, NewJob parentSuccess, _) = await EnqueuePolicyBatchAsync(1);
        StoredJob parentChild = await FetchOneAsync();
        parentChild.Id.Should().Be(parentChildren[0].Id);

        // The running child nests a batch of two before it completes.
        (BatchId nestedId, _, NewJob nestedSuccess, _) = await EnqueuePolicyBatchAsync(2, parent: parentId, now: At(1_100));
        (await GetBatchRequiredAsync(nestedId)).ParentBatchId.Should().Be(parentId);
        StoredBatch parent = await GetBatchRequiredAsync(parentId);
        parent.Total.Should().Be(2);
        parent.Pending.Should().Be(2);

        await CompleteAsync(parentChild, At(1_200));
        (await GetBatchRequiredAsync(parentId)).State.Should().Be(BatchState.Running, "the nested batch is still pending");
        (await GetRequiredAsync(parentSuccess.Id)).State.Should().Be(JobState.Awaiting);

        IReadOnlyList<StoredJob> nestedChildren = await FetchAsync(limit: 2, now: At(1_300));
        nestedChildren.Should().HaveCount(2);
        await CompleteAsync(nestedChildren[0], At(1_400));
        (await GetBatchRequiredAsync(parentId)).Pending.Should().Be(1);
        await CompleteAsync(nestedChildren[1], At(1_500));

        (await GetBatchRequiredAsync(nestedId)).State.Should().Be(BatchState.Succeeded);
        (await GetRequiredAsync(nestedSuccess.Id)).State.Should().Be(JobState.Enqueued);
        parent = await GetBatchRequiredAsync(parentId);
        parent.State.Should().Be(BatchState.Succeeded);
        parent.Succeeded.Should().Be(2);
        parent.FinishedAt.Should().Be(At(1_500));
        (await GetRequiredAsync(parentSuccess.Id)).State.Should().Be(JobState.Enqueued, "released in the step that finished the nested batch");
    }

    [Fact]
    public async Task FailAsync_NestedBatchFails_CountsAsOneFailureOfTheParentWhenItsLastChildEnds()
    {
        (BatchId parentId, _, NewJob parentSuccess, NewJob parentFailure) = await EnqueuePolicyBatchAsync(1);
        StoredJob parentChild = await FetchOneAsync();
        await EnqueuePolicyBatchAsync(2, parent: parentId, now: At(1_100));
        await CompleteAsync(parentChild, At(1_200));
        IReadOnlyList<StoredJob> nestedChildren = await FetchAsync(limit: 2, now: At(1_300));

        await FailAsync(nestedChildren[0], At(1_400));
        StoredBatch parent = await GetBatchRequiredAsync(parentId);
        parent.Failed.Should().Be(0, "the nested batch has a pending child still");
        parent.State.Should().Be(BatchState.Running);

        await CompleteAsync(nestedChildren[1], At(1_500));
        parent = await GetBatchRequiredAsync(parentId);
        parent.State.Should().Be(BatchState.Failed);
        parent.Succeeded.Should().Be(1);
        parent.Failed.Should().Be(1);
        parent.Pending.Should().Be(0);
        (await GetRequiredAsync(parentFailure.Id)).State.Should().Be(JobState.Enqueued);
        (await GetRequiredAsync(parentSuccess.Id)).State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task EnqueueAsync_NestedBatchWithoutChildren_SucceedsAtOnceAndCountsInItsParent()
    {
        (BatchId parentId, _, _, _) = await EnqueuePolicyBatchAsync(1);
        BatchId nestedId = BatchId.New();

        await Storage.EnqueueAsync(new EnqueueRequest { Jobs = [], Batch = new NewBatch { Id = nestedId, ParentBatchId = parentId }, Now = At(100) }, Ct);

        (await GetBatchRequiredAsync(nestedId)).State.Should().Be(BatchState.Succeeded);
        StoredBatch parent = await GetBatchRequiredAsync(parentId);
        parent.Total.Should().Be(2);
        parent.Succeeded.Should().Be(1);
        parent.Pending.Should().Be(1);
    }

    [Fact]
    public async Task EnqueueAsync_NestedInAMissingOrFinishedBatch_ThrowsAndWritesNothing()
    {
        NewJob orphan = Job();
        BatchId orphanBatch = BatchId.New();
        Func<Task> missing = () => Storage.EnqueueAsync(
            new EnqueueRequest { Jobs = [orphan with { BatchId = orphanBatch }], Batch = new NewBatch { Id = orphanBatch, ParentBatchId = BatchId.New() }, Now = T0 },
            Ct).AsTask();
        await missing.Should().ThrowAsync<InvalidOperationException>();
        (await GetAsync(orphan.Id)).Should().BeNull();
        (await Storage.GetBatchAsync(orphanBatch, Ct)).Should().BeNull();

        (BatchId finishedId, _, _, _) = await EnqueuePolicyBatchAsync(1);
        await CompleteAsync(await FetchOneAsync(), At(1_100));
        NewJob late = Job();
        BatchId lateBatch = BatchId.New();
        Func<Task> finished = () => Storage.EnqueueAsync(
            new EnqueueRequest { Jobs = [late with { BatchId = lateBatch }], Batch = new NewBatch { Id = lateBatch, ParentBatchId = finishedId }, Now = At(1_200) },
            Ct).AsTask();
        await finished.Should().ThrowAsync<InvalidOperationException>();
        (await GetAsync(late.Id)).Should().BeNull();
        (await GetBatchRequiredAsync(finishedId)).Total.Should().Be(1);
    }
}
