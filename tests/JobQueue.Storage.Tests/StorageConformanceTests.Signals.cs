using JobQueue.Storage;
using JobQueue.Testing;

namespace JobQueue.Storage.Tests;

/// <remarks>
/// Signal tests check the capability first. Without it the engine never calls the wait, so such a test
/// asserts nothing about the signal and instead proves what the engine relies on then: polling finds the
/// work or the final state. Spurious wake-ups are allowed, so no test asserts that a wait is still pending.
/// </remarks>
public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task WaitForWorkAsync_SignalRaisedBeforeWait_IsNotLost()
    {
        await EnqueueOneAsync(Job(queue: "early"));

        if (Storage.Capabilities.WakeUpSignal)
        {
            await Deadline.Within(Storage.WaitForWorkAsync("early", Ct).AsTask(), "the signal of an enqueue made before the wait");
        }

        (await FetchAsync("early")).Should().ContainSingle();
    }

    [Fact]
    public async Task WaitForWorkAsync_EnqueueWhileWaiting_Completes()
    {
        await AssertWakesAsync("q", prepare: null, trigger: () => EnqueueOneAsync(Job(queue: "q")));
    }

    [Fact]
    public async Task WaitForWorkAsync_ScheduledJobPromoted_Completes()
    {
        await AssertWakesAsync(
            "q",
            prepare: () => EnqueueOneAsync(Job(queue: "q", runAt: At(5_000))),
            trigger: async () => (await PromoteAsync(At(5_000))).Should().Be(1));
    }

    [Fact]
    public async Task WaitForWorkAsync_ExpiredLeaseRescued_Completes()
    {
        await AssertWakesAsync(
            "q",
            prepare: async () =>
            {
                await EnqueueOneAsync(Job(queue: "q"));
                await FetchOneAsync("q", now: At(100), leaseExpiresAt: At(200));
            },
            trigger: async () => (await RescueAsync(At(200))).Should().ContainSingle());
    }

    [Fact]
    public async Task WaitForWorkAsync_FailureWithImmediateRetry_Completes()
    {
        StoredJob? leased = null;
        await AssertWakesAsync(
            "q",
            prepare: async () =>
            {
                await EnqueueOneAsync(Job(queue: "q"));
                leased = await FetchOneAsync("q", now: At(100));
            },
            trigger: async () => (await FailAsync(leased!, At(200), retryAt: At(200))).Should().BeTrue());
    }

    [Fact]
    public async Task WaitForWorkAsync_RescheduleDueNow_Completes()
    {
        StoredJob? leased = null;
        await AssertWakesAsync(
            "q",
            prepare: async () =>
            {
                await EnqueueOneAsync(Job(queue: "q"));
                leased = await FetchOneAsync("q", now: At(100));
            },
            trigger: async () => (await RescheduleAsync(leased!, At(150), At(200))).Should().BeTrue());
    }

    [Fact]
    public async Task WaitForWorkAsync_CallbackReleased_WakesCallbackQueue()
    {
        await AssertWakesAsync(
            "callbacks",
            prepare: () => EnqueueBatchAsync(1),
            trigger: async () => (await CompleteAsync(await FetchOneAsync(now: At(100)), At(200))).Should().BeTrue());
    }

    [Fact]
    public async Task WaitForWorkAsync_CancelledToken_Throws()
    {
        if (!Storage.Capabilities.WakeUpSignal)
        {
            (await FetchAsync("quiet")).Should().BeEmpty("without a signal the engine polls, and there is nothing to find");
            return;
        }

        using var cts = new CancellationTokenSource();
        Task wait = Storage.WaitForWorkAsync("quiet", cts.Token).AsTask();

        await cts.CancelAsync();

        Func<Task> act = () => Deadline.Within(wait, "the wait to observe its cancelled token");
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task WaitForFinishAsync_UnknownJob_CompletesAtOnce()
    {
        if (!Storage.Capabilities.FinishSignal)
        {
            (await GetAsync(JobId.New())).Should().BeNull("without a signal the engine polls and finds no job");
            return;
        }

        await Deadline.Within(Storage.WaitForFinishAsync(JobId.New(), Ct).AsTask(), "the wait for an unknown job");
    }

    [Fact]
    public async Task WaitForFinishAsync_FinishedJob_CompletesAtOnce()
    {
        NewJob job = await EnqueueOneAsync(Job());
        await CancelAsync(job.Id, At(10));

        if (Storage.Capabilities.FinishSignal)
        {
            await Deadline.Within(Storage.WaitForFinishAsync(job.Id, Ct).AsTask(), "the wait for a finished job");
        }

        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task WaitForFinishAsync_JobCompletesAfterWaitStarts_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync();

        await AssertFinishWakesAsync(job.Id, async () => (await CompleteAsync(leased, At(2_000))).Should().BeTrue(), JobState.Succeeded);
    }

    [Fact]
    public async Task WaitForFinishAsync_JobFailsForGood_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync();

        await AssertFinishWakesAsync(job.Id, async () => (await FailAsync(leased, At(2_000))).Should().BeTrue(), JobState.Failed);
    }

    [Fact]
    public async Task WaitForFinishAsync_JobCancelled_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job(runAt: At(60_000)));

        await AssertFinishWakesAsync(job.Id, async () => (await CancelAsync(job.Id, At(10))).Should().Be(CancelOutcome.Cancelled), JobState.Cancelled);
    }

    [Fact]
    public async Task WaitForFinishAsync_RescuedOnLastAttempt_Completes()
    {
        NewJob job = await EnqueueOneAsync(Job(maxAttempts: 1));
        await FetchOneAsync(now: At(100), leaseExpiresAt: At(200));

        await AssertFinishWakesAsync(job.Id, async () => (await RescueAsync(At(200))).Should().ContainSingle(), JobState.Failed);
    }

    [Fact]
    public async Task WaitForFinishAsync_CancelledToken_Throws()
    {
        NewJob job = await EnqueueOneAsync(Job());
        if (!Storage.Capabilities.FinishSignal)
        {
            (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Enqueued, "without a signal the engine polls and sees the job unfinished");
            return;
        }

        using var cts = new CancellationTokenSource();
        Task wait = Storage.WaitForFinishAsync(job.Id, cts.Token).AsTask();

        await cts.CancelAsync();

        Func<Task> act = () => Deadline.Within(wait, "the wait to observe its cancelled token");
        await act.Should().ThrowAsync<OperationCanceledException>();
        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Enqueued);
    }

    /// <summary>
    /// Starts a wait on <paramref name="queue"/> after <paramref name="prepare"/> (whose own signals are
    /// consumed first), runs <paramref name="trigger"/>, and expects the wait to complete. Without the
    /// capability, expects the work to be found by polling instead.
    /// </summary>
    private async Task AssertWakesAsync(string queue, Func<Task>? prepare, Func<Task> trigger)
    {
        bool signals = Storage.Capabilities.WakeUpSignal;
        if (prepare is not null)
        {
            await prepare();
            if (signals)
            {
                await ConsumeSignalIfRaisedAsync(queue);
            }
        }

        Task? wait = signals ? Storage.WaitForWorkAsync(queue, Ct).AsTask() : null;

        await trigger();

        if (wait is not null)
        {
            await Deadline.Within(wait, $"the wake-up of queue '{queue}'");
        }

        (await FetchAsync(queue, limit: 10, now: At(1_000_000))).Should().NotBeEmpty("the trigger made work ready in '{0}'", queue);
    }

    /// <summary>
    /// Preparation may have made work ready (and so raised a signal) or not. A signal that is pending is
    /// consumed by a wait that completes at once; when none is pending, cancelling the wait ends it.
    /// </summary>
    private async Task ConsumeSignalIfRaisedAsync(string queue)
    {
        using var cts = new CancellationTokenSource();
        Task wait = Storage.WaitForWorkAsync(queue, cts.Token).AsTask();
        if (!wait.IsCompleted)
        {
            // Yield once so a store whose pending signal completes asynchronously can deliver it first.
            await Task.Yield();
            await cts.CancelAsync();
        }

        try
        {
            await Deadline.Within(wait, $"the preparation's signal on '{queue}'");
        }
        catch (OperationCanceledException)
        {
            // No signal was pending, which is what the test needs.
        }
    }

    private async Task AssertFinishWakesAsync(JobId id, Func<Task> trigger, JobState finalState)
    {
        Task? wait = Storage.Capabilities.FinishSignal ? Storage.WaitForFinishAsync(id, Ct).AsTask() : null;

        await trigger();

        if (wait is not null)
        {
            await Deadline.Within(wait, $"the finish signal of job {id}");
        }

        (await GetRequiredAsync(id)).State.Should().Be(finalState);
    }
}
