using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task CancelAsync_EnqueuedJob_CancelledAndNeverLeased()
    {
        NewJob job = await EnqueueOneAsync(Job());

        CancelOutcome outcome = await CancelAsync(job.Id, At(500));

        outcome.Should().Be(CancelOutcome.Cancelled);
        StoredJob stored = await GetRequiredAsync(job.Id);
        stored.State.Should().Be(JobState.Cancelled);
        stored.FinishedAt.Should().Be(At(500));
        (await FetchAsync(limit: 10)).Should().BeEmpty();
    }

    [Fact]
    public async Task CancelAsync_ScheduledJob_CancelledAndNeverPromoted()
    {
        NewJob job = await EnqueueOneAsync(Job(runAt: At(1_000)));

        (await CancelAsync(job.Id, At(500))).Should().Be(CancelOutcome.Cancelled);

        (await PromoteAsync(At(2_000))).Should().Be(0);
        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Cancelled);
        (await FetchAsync(limit: 10, now: At(2_000))).Should().BeEmpty();
    }

    [Fact]
    public async Task CancelAsync_AwaitingCallback_CancelledAndNeverReleased()
    {
        (_, _, NewJob success, _) = await EnqueueBatchAsync(1);

        (await CancelAsync(success.Id, At(500))).Should().Be(CancelOutcome.Cancelled);
        await CompleteAsync(await FetchOneAsync(), At(2_000));

        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Cancelled);
        (await FetchAsync("callbacks", limit: 10, now: At(3_000))).Should().BeEmpty();
    }

    [Fact]
    public async Task CancelAsync_RunningJob_CancelledWithLeaseCleared()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(100), leaseExpiresAt: At(200));

        CancelOutcome outcome = await CancelAsync(leased.Id, At(150));

        outcome.Should().Be(CancelOutcome.CancelledWhileRunning);
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Cancelled);
        stored.FinishedAt.Should().Be(At(150));
        stored.LeaseToken.Should().BeNull();
        stored.LeaseExpiresAt.Should().BeNull();
        (await RescueAsync(At(1_000))).Should().BeEmpty("a cancelled job has no lease to rescue");
    }

    [Fact]
    public async Task CancelAsync_FinishedJob_AlreadyFinishedAndUnchanged()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync();
        await CompleteAsync(leased, At(2_000));

        CancelOutcome outcome = await CancelAsync(leased.Id, At(3_000));

        outcome.Should().Be(CancelOutcome.AlreadyFinished);
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Succeeded);
        stored.FinishedAt.Should().Be(At(2_000));
    }

    [Fact]
    public async Task CancelAsync_Twice_SecondIsAlreadyFinished()
    {
        NewJob job = await EnqueueOneAsync(Job());
        await CancelAsync(job.Id, At(1));

        (await CancelAsync(job.Id, At(2))).Should().Be(CancelOutcome.AlreadyFinished);
        (await GetRequiredAsync(job.Id)).FinishedAt.Should().Be(At(1));
    }

    [Fact]
    public async Task CancelAsync_ManyIds_OutcomesPerItemInOrder()
    {
        NewJob enqueued = Job();
        NewJob running = Job(priority: 5);
        NewJob failed = Job(queue: "f");
        await EnqueueAsync(enqueued, running, failed);
        await FetchOneAsync();
        await FailAsync(await FetchOneAsync("f"), At(2_000));

        IReadOnlyList<CancelOutcome> outcomes = await Storage.CancelAsync(new CancelRequest { Ids = [failed.Id, JobId.New(), running.Id, enqueued.Id], Now = At(3_000) }, Ct);

        outcomes.Should().Equal(CancelOutcome.AlreadyFinished, CancelOutcome.NotFound, CancelOutcome.CancelledWhileRunning, CancelOutcome.Cancelled);
    }
}
