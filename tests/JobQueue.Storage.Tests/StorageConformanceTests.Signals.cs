using JobQueue.Storage;
using JobQueue.TestSupport;

namespace JobQueue.Storage.Tests;

/// <remarks>
/// <para>Whether a store has a signal is part of its test class (<see cref="ExpectsWakeUpSignal"/>,
/// <see cref="ExpectsFinishSignal"/>), and every signal test checks the store against it first: a store that stops
/// advertising a signal fails, instead of passing on the branch for stores without one. Without the signal the
/// engine never calls the wait, so that branch asserts what the engine relies on then: polling finds the work or
/// the final state.</para>
/// <para>A store whose signal cannot be kept while nobody listens completes the first wait after it subscribes at
/// once, published wake-up or not. So each wake-up test spends that wake-up first (<see cref="ConsumeWakeUpsAsync"/>)
/// and starts the wait it asserts on only then: nothing but a signal raised by the test's own step can complete it.
/// Spurious wake-ups are allowed, so no test asserts that a wait is still pending.</para>
/// <para>Waits a test asserts on have no token: <c>Deadline.Within</c> bounds them
/// and, unlike <see cref="Ct"/>, says which signal did not come.</para>
/// </remarks>
public abstract partial class StorageConformanceTests
{
    /// <summary>Whether the provider signals new work (<see cref="StorageCapabilities.WakeUpSignal"/>). Defaults to true.</summary>
    protected virtual bool ExpectsWakeUpSignal => true;

    /// <summary>Whether the provider signals finished jobs (<see cref="StorageCapabilities.FinishSignal"/>). Defaults to true.</summary>
    protected virtual bool ExpectsFinishSignal => true;

    [Fact]
    public async Task WaitForWorkAsync_WorkReadyBeforeFirstWait_Completes()
    {
        await EnqueueOneAsync(Job(queue: "early"));

        // The one case a store may serve without a published wake-up: a store that cannot keep its signal looks at
        // the queue (or wakes every waiter) on its first wait.
        if (HasWakeUpSignal())
        {
            await Deadline.Within(Storage.WaitForWorkAsync("early", CancellationToken.None).AsTask(), "the first wait, with work ready before it");
        }

        (await FetchAsync("early")).Should().ContainSingle();
    }

    [Fact]
    public async Task WaitForWorkAsync_SignalRaisedBeforeWait_IsNotLost()
    {
        if (HasWakeUpSignal())
        {
            await ConsumeWakeUpsAsync("early");
        }

        // Nobody waits on the queue now: the signal must be kept for the next wait.
        await EnqueueOneAsync(Job(queue: "early"));

        if (HasWakeUpSignal())
        {
            await Deadline.Within(Storage.WaitForWorkAsync("early", CancellationToken.None).AsTask(), "the signal of an enqueue made while nobody waited");
        }

        (await FetchAsync("early")).Should().ContainSingle();
    }

    [Fact]
    public async Task WaitForWorkAsync_SignalAfterAWaitGaveUp_IsKept()
    {
        if (HasWakeUpSignal())
        {
            // The engine's wait gives up at every poll interval, then fetches: work that arrives meanwhile, while
            // nobody waits, must complete its next wait.
            await ConsumeWakeUpsAsync("q");
            using var cts = new CancellationTokenSource();
            Task gaveUp = Storage.WaitForWorkAsync("q", cts.Token).AsTask();
            await cts.CancelAsync();
            try
            {
                await Deadline.Within(gaveUp, "the wait to give up");
            }
            catch (OperationCanceledException)
            {
                // Given up, as asked; a spurious wake-up before that would have been allowed too.
            }
        }

        await EnqueueOneAsync(Job(queue: "q"));

        if (HasWakeUpSignal())
        {
            await Deadline.Within(Storage.WaitForWorkAsync("q", CancellationToken.None).AsTask(), "the signal of an enqueue made after a wait gave up");
        }

        (await FetchAsync("q")).Should().ContainSingle();
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
        if (HasWakeUpSignal())
        {
            // Otherwise the first wait may complete at once, before the token is cancelled.
            await ConsumeWakeUpsAsync("quiet");
            using var cts = new CancellationTokenSource();
            Task wait = Storage.WaitForWorkAsync("quiet", cts.Token).AsTask();

            await cts.CancelAsync();

            Func<Task> act = () => Deadline.Within(wait, "the wait to observe its cancelled token");
            await act.Should().ThrowAsync<OperationCanceledException>();
        }
        else
        {
            (await FetchAsync("quiet")).Should().BeEmpty("without a signal the engine polls, and there is nothing to find");
        }
    }

    [Fact]
    public async Task WaitForFinishAsync_UnknownJob_CompletesAtOnce()
    {
        if (HasFinishSignal())
        {
            await Deadline.Within(Storage.WaitForFinishAsync(JobId.New(), CancellationToken.None).AsTask(), "the wait for an unknown job");
        }
        else
        {
            (await GetAsync(JobId.New())).Should().BeNull("without a signal the engine polls and finds no job");
        }
    }

    [Fact]
    public async Task WaitForFinishAsync_FinishedJob_CompletesAtOnce()
    {
        NewJob job = await EnqueueOneAsync(Job());
        await CancelAsync(job.Id, At(10));

        if (HasFinishSignal())
        {
            await Deadline.Within(Storage.WaitForFinishAsync(job.Id, CancellationToken.None).AsTask(), "the wait for a finished job");
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
        if (HasFinishSignal())
        {
            using var cts = new CancellationTokenSource();
            Task wait = Storage.WaitForFinishAsync(job.Id, cts.Token).AsTask();

            await cts.CancelAsync();

            Func<Task> act = () => Deadline.Within(wait, "the wait to observe its cancelled token");
            await act.Should().ThrowAsync<OperationCanceledException>();
        }

        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Enqueued, "nothing finished the job");
    }

    /// <summary>
    /// Runs <paramref name="prepare"/>, spends the queue's wake-ups (<see cref="ConsumeWakeUpsAsync"/>), starts a
    /// wait on <paramref name="queue"/>, runs <paramref name="trigger"/>, and expects the wait to complete: only the
    /// trigger's signal can complete it. Without the capability, expects the work to be found by polling instead.
    /// </summary>
    private async Task AssertWakesAsync(string queue, Func<Task>? prepare, Func<Task> trigger)
    {
        bool signals = HasWakeUpSignal();
        if (prepare is not null)
        {
            await prepare();
        }

        if (signals)
        {
            await ConsumeWakeUpsAsync(queue);
        }

        Task? wait = signals ? Storage.WaitForWorkAsync(queue, CancellationToken.None).AsTask() : null;

        await trigger();

        if (wait is not null)
        {
            await Deadline.Within(wait, $"the wake-up of queue '{queue}' raised by the test's trigger");
        }

        (await FetchAsync(queue, limit: 10, now: At(1_000_000))).Should().NotBeEmpty("the trigger made work ready in '{0}'", queue);
    }

    /// <summary>
    /// Spends every wake-up of <paramref name="queue"/> that the test did not raise on purpose: the one a store that
    /// cannot keep its signal gives the first wait after it subscribes, and any the test's preparation raised. Then
    /// no wake-up is pending and the store has subscribed, so only a new signal completes the next wait.
    /// </summary>
    /// <remarks>
    /// Ready work makes the first wait complete on every store (the kept signal, or the store's look at the queue or
    /// wake-up of every waiter on its first wait); the job that provides it is cancelled once that wait is over, so
    /// the test's own assertions never see it. Enqueued before the first wait, its own signal is published to nobody.
    /// </remarks>
    private async Task ConsumeWakeUpsAsync(string queue)
    {
        NewJob primer = await EnqueueOneAsync(Job(queue: queue, name: "primer"));
        await Deadline.Within(Storage.WaitForWorkAsync(queue, CancellationToken.None).AsTask(), $"the first wait on queue '{queue}', with work ready");
        (await CancelAsync(primer.Id, T0)).Should().Be(CancelOutcome.Cancelled);
        await WakeUps.ConsumePendingAsync(Storage, queue);
    }

    /// <summary>Whether the store signals work, after checking that it does what its test class expects.</summary>
    private bool HasWakeUpSignal()
    {
        Storage.Capabilities.WakeUpSignal.Should().Be(
            ExpectsWakeUpSignal, "{0}'s test class says whether it signals work; a signal test passes on the polling branch without testing a signal", Storage.GetType().Name);
        return ExpectsWakeUpSignal;
    }

    /// <summary>Whether the store signals finished jobs, after checking that it does what its test class expects.</summary>
    private bool HasFinishSignal()
    {
        Storage.Capabilities.FinishSignal.Should().Be(
            ExpectsFinishSignal, "{0}'s test class says whether it signals finished jobs; a signal test passes on the polling branch without testing a signal", Storage.GetType().Name);
        return ExpectsFinishSignal;
    }

    private async Task AssertFinishWakesAsync(JobId id, Func<Task> trigger, JobState finalState)
    {
        Task? wait = HasFinishSignal() ? Storage.WaitForFinishAsync(id, CancellationToken.None).AsTask() : null;

        await trigger();

        if (wait is not null)
        {
            await Deadline.Within(wait, $"the finish signal of job {id}");
        }

        (await GetRequiredAsync(id)).State.Should().Be(finalState);
    }
}
