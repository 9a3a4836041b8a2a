using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task EnqueueAsync_NewBatch_CountsChildrenAndStoresCallbacksAwaiting()
    {
        (BatchId batchId, NewJob[] children, NewJob success, NewJob failure) = await EnqueueBatchAsync(3, At(10));

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Running);
        batch.Total.Should().Be(3);
        batch.Pending.Should().Be(3);
        batch.Succeeded.Should().Be(0);
        batch.Failed.Should().Be(0);
        batch.SuccessJobId.Should().Be(success.Id);
        batch.FailureJobId.Should().Be(failure.Id);
        batch.CreatedAt.Should().Be(At(10));
        batch.FinishedAt.Should().BeNull();
        foreach (NewJob child in children)
        {
            StoredJob stored = await GetRequiredAsync(child.Id);
            stored.State.Should().Be(JobState.Enqueued);
            stored.BatchId.Should().Be(batchId);
        }

        foreach (NewJob callback in new[] { success, failure })
        {
            StoredJob stored = await GetRequiredAsync(callback.Id);
            stored.State.Should().Be(JobState.Awaiting);
            stored.BatchId.Should().Be(batchId);
        }

        (await StatisticsAsync("callbacks"))!.Awaiting.Should().Be(2);
    }

    [Fact]
    public async Task FetchAsync_AwaitingCallbacks_AreNotLeased()
    {
        await EnqueueBatchAsync(1);

        (await FetchAsync("callbacks", limit: 10)).Should().BeEmpty();
        (await PromoteAsync(At(1_000_000))).Should().Be(0);
    }

    [Fact]
    public async Task CompleteAsync_NotLastChild_BatchStaysRunning()
    {
        (BatchId batchId, _, NewJob success, NewJob failure) = await EnqueueBatchAsync(2);
        StoredJob leased = await FetchOneAsync();

        await CompleteAsync(leased, At(2_000));

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Running);
        batch.Succeeded.Should().Be(1);
        batch.Pending.Should().Be(1);
        batch.FinishedAt.Should().BeNull();
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Awaiting);
        (await GetRequiredAsync(failure.Id)).State.Should().Be(JobState.Awaiting);
    }

    [Fact]
    public async Task CompleteAsync_LastChild_SucceedsBatchReleasesSuccessCancelsFailure()
    {
        (BatchId batchId, _, NewJob success, NewJob failure) = await EnqueueBatchAsync(2);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 2);
        await CompleteAsync(leased[0], At(2_000));

        (await CompleteAsync(leased[1], At(3_000))).Should().BeTrue();

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Succeeded);
        batch.Succeeded.Should().Be(2);
        batch.Failed.Should().Be(0);
        batch.Pending.Should().Be(0);
        batch.FinishedAt.Should().Be(At(3_000));
        StoredJob released = await GetRequiredAsync(success.Id);
        released.State.Should().Be(JobState.Enqueued);
        released.RunAt.Should().Be(At(3_000));
        StoredJob cancelled = await GetRequiredAsync(failure.Id);
        cancelled.State.Should().Be(JobState.Cancelled);
        cancelled.FinishedAt.Should().Be(At(3_000));
        (await FetchAsync("callbacks", limit: 10, now: At(4_000))).Select(j => j.Id).Should().Equal(success.Id);
    }

    [Fact]
    public async Task FailAsync_FirstChildFailure_FailsBatchReleasesFailureCancelsSuccess()
    {
        (BatchId batchId, _, NewJob success, NewJob failure) = await EnqueueBatchAsync(3);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3);

        (await FailAsync(leased[0], At(2_000))).Should().BeTrue();

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Failed);
        batch.Failed.Should().Be(1);
        batch.Pending.Should().Be(2);
        batch.FinishedAt.Should().BeNull("children still pending run to their end");
        StoredJob released = await GetRequiredAsync(failure.Id);
        released.State.Should().Be(JobState.Enqueued);
        released.RunAt.Should().Be(At(2_000));
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task FailAsync_LaterFailuresAndSuccesses_OnlyCountAndFinishBatch()
    {
        (BatchId batchId, _, NewJob success, NewJob failure) = await EnqueueBatchAsync(3);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3);
        await FailAsync(leased[0], At(2_000));
        StoredJob failureCallback = await FetchOneAsync("callbacks", now: At(2_100));

        await FailAsync(leased[1], At(3_000));
        await CompleteAsync(leased[2], At(4_000));

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Failed);
        batch.Total.Should().Be(3);
        batch.Failed.Should().Be(2);
        batch.Succeeded.Should().Be(1);
        batch.Pending.Should().Be(0);
        batch.FinishedAt.Should().Be(At(4_000));
        failureCallback.Id.Should().Be(failure.Id);
        (await GetRequiredAsync(failure.Id)).State.Should().Be(JobState.Running, "the failure callback was released once and is running");
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Cancelled);
        (await FetchAsync("callbacks", limit: 10, now: At(5_000))).Should().BeEmpty();
    }

    [Fact]
    public async Task FailAsync_ChildWithRetry_DoesNotCountForBatch()
    {
        (BatchId batchId, _, _, NewJob failure) = await EnqueueBatchAsync(1);
        StoredJob leased = await FetchOneAsync();

        await FailAsync(leased, At(2_000), retryAt: At(3_000));

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Running);
        batch.Failed.Should().Be(0);
        batch.Pending.Should().Be(1);
        (await GetRequiredAsync(failure.Id)).State.Should().Be(JobState.Awaiting);
    }

    [Fact]
    public async Task CancelAsync_BatchChild_CountsAsFailure()
    {
        (BatchId batchId, NewJob[] children, NewJob success, NewJob failure) = await EnqueueBatchAsync(2);

        (await CancelAsync(children[1].Id, At(500))).Should().Be(CancelOutcome.Cancelled);

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Failed);
        batch.Failed.Should().Be(1);
        batch.Pending.Should().Be(1);
        (await GetRequiredAsync(failure.Id)).State.Should().Be(JobState.Enqueued);
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task CancelAsync_Callback_IsNoBatchEvent()
    {
        (BatchId batchId, _, NewJob success, NewJob failure) = await EnqueueBatchAsync(1);

        (await CancelAsync(failure.Id, At(500))).Should().Be(CancelOutcome.Cancelled);
        StoredJob child = await FetchOneAsync(now: At(600));
        await CompleteAsync(child, At(700));

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Succeeded);
        batch.Total.Should().Be(1);
        batch.Failed.Should().Be(0);
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Enqueued);
        StoredJob cancelled = await GetRequiredAsync(failure.Id);
        cancelled.State.Should().Be(JobState.Cancelled);
        cancelled.FinishedAt.Should().Be(At(500), "a callback cancelled earlier stays as it was");
    }

    [Fact]
    public async Task FailAsync_Callback_IsNoBatchEvent()
    {
        (BatchId batchId, _, NewJob success, _) = await EnqueueBatchAsync(1);
        await CompleteAsync(await FetchOneAsync(now: At(100)), At(200));
        StoredJob callback = await FetchOneAsync("callbacks", now: At(300));

        await FailAsync(callback, At(400));

        callback.Id.Should().Be(success.Id);
        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Succeeded);
        batch.Failed.Should().Be(0);
        batch.Succeeded.Should().Be(1);
        batch.FinishedAt.Should().Be(At(200));
    }

    [Fact]
    public async Task EnqueueAsync_ChildAddedByRunningChild_KeepsBatchOpen()
    {
        (BatchId batchId, _, NewJob success, _) = await EnqueueBatchAsync(1);
        StoredJob parent = await FetchOneAsync(now: At(100));
        NewJob added = Job(batchId: batchId);

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(At(150), added);
        await CompleteAsync(parent, At(200));

        results.Should().Equal(new EnqueueResult { Id = added.Id, Created = true });
        StoredBatch open = await GetBatchRequiredAsync(batchId);
        open.State.Should().Be(BatchState.Running);
        open.Total.Should().Be(2);
        open.Succeeded.Should().Be(1);
        open.Pending.Should().Be(1);
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Awaiting);

        StoredJob child = await FetchOneAsync(now: At(300));
        child.Id.Should().Be(added.Id);
        child.BatchId.Should().Be(batchId);
        await CompleteAsync(child, At(400));

        StoredBatch done = await GetBatchRequiredAsync(batchId);
        done.State.Should().Be(BatchState.Succeeded);
        done.Total.Should().Be(2);
        done.Succeeded.Should().Be(2);
        done.FinishedAt.Should().Be(At(400));
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task EnqueueAsync_ChildAddedToFailedBatch_CountsAndBatchStaysFailed()
    {
        (BatchId batchId, _, _, _) = await EnqueueBatchAsync(2);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 2);
        await FailAsync(leased[0], At(200));

        await EnqueueAsync(At(250), Job(batchId: batchId, queue: "late"));
        await CompleteAsync(leased[1], At(300));

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Failed);
        batch.Total.Should().Be(3);
        batch.Pending.Should().Be(1);
        batch.FinishedAt.Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_ChildWithLiveKey_IsNotCountedInBatch()
    {
        NewJob holder = await EnqueueOneAsync(Job(key: "shared"));
        BatchId batchId = BatchId.New();
        NewJob duplicate = Job(batchId: batchId, key: "shared");
        NewJob counted = Job(batchId: batchId);

        IReadOnlyList<EnqueueResult> results = await Storage.EnqueueAsync(
            new EnqueueRequest { Jobs = [duplicate, counted], Batch = new NewBatch { Id = batchId }, Now = T0 }, Ct);

        results.Should().Equal(new EnqueueResult { Id = holder.Id, Created = false }, new EnqueueResult { Id = counted.Id, Created = true });
        (await GetBatchRequiredAsync(batchId)).Total.Should().Be(1);
    }

    [Fact]
    public async Task EnqueueAsync_BatchWithoutCallbacks_FinishesWithoutCallbacks()
    {
        BatchId batchId = BatchId.New();
        await Storage.EnqueueAsync(
            new EnqueueRequest { Jobs = [Job(batchId: batchId)], Batch = new NewBatch { Id = batchId }, Now = T0 }, Ct);

        await CompleteAsync(await FetchOneAsync(), At(2_000));

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Succeeded);
        batch.SuccessJobId.Should().BeNull();
        batch.FailureJobId.Should().BeNull();
        batch.FinishedAt.Should().Be(At(2_000));
    }

    [Fact]
    public async Task RescueExpiredLeasesAsync_ChildOnLastAttempt_FailsBatch()
    {
        BatchId batchId = BatchId.New();
        NewJob failure = Job("callbacks", batchId: batchId);
        await Storage.EnqueueAsync(
            new EnqueueRequest
            {
                Jobs = [Job(batchId: batchId, maxAttempts: 1), Job(batchId: batchId)],
                Batch = new NewBatch { Id = batchId, FailureCallback = failure },
                Now = T0,
            },
            Ct);
        await FetchOneAsync(now: At(100), leaseExpiresAt: At(1_000));

        await RescueAsync(At(1_000));

        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        batch.State.Should().Be(BatchState.Failed);
        batch.Failed.Should().Be(1);
        (await GetRequiredAsync(failure.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task GetBatchAsync_UnknownBatch_ReturnsNull()
    {
        (await Storage.GetBatchAsync(BatchId.New(), Ct)).Should().BeNull();
    }
}
