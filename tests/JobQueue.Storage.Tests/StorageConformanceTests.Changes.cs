using JobQueue.Storage;
using JobQueue.TestSupport;

namespace JobQueue.Storage.Tests;

/// <remarks>
/// The change signal (<see cref="IJobStorage.WaitForChangeAsync"/>): each test makes sure the store listens first (a
/// store that subscribes on first use wakes every wait when it does, which would pass the test without the signal),
/// then starts the wait, then makes the one change it asserts on. Spurious completions are allowed, so no test asserts
/// that a wait is still pending.
/// </remarks>
public abstract partial class StorageConformanceTests
{
    /// <summary>Whether the provider signals job changes (<see cref="StorageCapabilities.ChangeSignal"/>). Defaults to true.</summary>
    protected virtual bool ExpectsChangeSignal => true;

    [Fact]
    public async Task WaitForChangeAsync_JobFetched_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job());

        await AssertChangeWakesAsync(job.Id, async () => (await FetchOneAsync(now: At(100))).Id.Should().Be(job.Id));

        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Running);
    }

    [Fact]
    public async Task WaitForChangeAsync_ProgressReported_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(100));

        await AssertChangeWakesAsync(job.Id, async () => (await ReportProgressAsync(leased, new JobProgress(40, "copying"))).Should().BeTrue());

        (await GetRequiredAsync(job.Id)).Progress!.Percent.Should().Be(40);
    }

    [Fact]
    public async Task WaitForChangeAsync_AttemptFailedAndDueAgain_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(100));

        await AssertChangeWakesAsync(job.Id, async () => (await FailAsync(leased, At(200), retryAt: At(5_000))).Should().BeTrue());

        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Scheduled);
    }

    [Fact]
    public async Task WaitForChangeAsync_Rescheduled_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(100));

        await AssertChangeWakesAsync(job.Id, async () => (await RescheduleAsync(leased, At(100), At(100))).Should().BeTrue());

        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task WaitForChangeAsync_ExpiredLeaseRescuedAndDueAgain_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job(maxAttempts: 3));
        await FetchOneAsync(now: At(100), leaseExpiresAt: At(200));

        await AssertChangeWakesAsync(job.Id, async () => (await RescueAsync(At(200))).Should().ContainSingle());

        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task WaitForChangeAsync_JobCompleted_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(100));

        await AssertChangeWakesAsync(job.Id, async () => (await CompleteAsync(leased, At(200))).Should().BeTrue());

        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task WaitForChangeAsync_CancelledToken_Throws()
    {
        NewJob job = await EnqueueOneAsync(Job());
        if (HasChangeSignal())
        {
            // Cancelled before the call: a wait cancelled while it runs may end by a spurious wake-up first (the contract
            // allows those; a listener's first LISTEN wakes every registration), which is no failure to cancel.
            using var cts = new CancellationTokenSource();
            await cts.CancelAsync();
            Func<Task> waiting = () => Deadline.Within(Storage.WaitForChangeAsync(job.Id, cts.Token).AsTask(), "the cancelled change wait");
            await waiting.Should().ThrowAsync<OperationCanceledException>();
        }

        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Enqueued);
    }

    /// <summary>Whether the store signals job changes, after checking that it does what its test class expects.</summary>
    private bool HasChangeSignal()
    {
        Storage.Capabilities.ChangeSignal.Should().Be(
            ExpectsChangeSignal, "{0}'s test class says whether it signals job changes; a signal test passes on the polling branch without testing a signal", Storage.GetType().Name);
        return ExpectsChangeSignal;
    }

    private async Task AssertChangeWakesAsync(JobId id, Func<Task> change)
    {
        Task? wait = null;
        if (HasChangeSignal())
        {
            // The finish wait of an unknown job completes at once, once the store listens (a store that subscribes on
            // first use does so there): the wait below is then woken by nothing but a signal.
            await Deadline.Within(Storage.WaitForFinishAsync(JobId.New(), CancellationToken.None).AsTask(), "the store to listen");
            wait = Storage.WaitForChangeAsync(id, CancellationToken.None).AsTask();
        }

        await change();

        if (wait is not null)
        {
            await Deadline.Within(wait, $"the change signal of job {id}");
        }
    }
}
