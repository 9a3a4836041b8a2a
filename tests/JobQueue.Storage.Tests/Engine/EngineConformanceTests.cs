using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Storage.Tests.Engine;

/// <summary>
/// DESIGN.md's semantics proven through real worker hosts on a provider: at-least-once with rescue of a dead
/// worker's job, retries, timeouts, batches across hosts, idempotency, ordering, shutdown hand-back and
/// cancellation across hosts. Every provider subclasses it, as it subclasses the SPI-level suite.
/// </summary>
public abstract partial class EngineConformanceTests : IAsyncLifetime
{
    private readonly List<TestHost> _hosts = [];
    private IJobStorage? _storage;

    /// <summary>A fresh, empty, isolated store for one test.</summary>
    protected abstract Task<IJobStorage> CreateStorageAsync();

    /// <summary>Releases what <see cref="CreateStorageAsync"/> made.</summary>
    protected virtual Task DisposeStorageAsync(IJobStorage storage) => storage is IAsyncDisposable disposable ? disposable.DisposeAsync().AsTask() : Task.CompletedTask;

    protected Probe Probe { get; } = new();

    protected IJobStorage Storage => _storage ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    public async Task InitializeAsync() => _storage = await CreateStorageAsync();

    public async Task DisposeAsync()
    {
        foreach (TestHost host in _hosts)
        {
            await host.DisposeAsync();
        }

        if (_storage is not null)
        {
            await DisposeStorageAsync(_storage);
        }
    }

    /// <summary>Starts a host on the shared store; several hosts act as several worker processes on one store.</summary>
    protected async Task<TestHost> StartHostAsync(Action<JobQueueBuilder>? configure = null, bool start = true)
    {
        var shared = new SharedStorage(Storage);
        TestHost host = await TestHost.StartAsync(
            q =>
            {
                q.UseStorage("Shared", _ => shared);
                q.Configure(o =>
                {
                    o.PollInterval = TimeSpan.FromMilliseconds(50);
                    o.RescueInterval = TimeSpan.FromMilliseconds(100);
                });
                q.AddTestJobs();
                configure?.Invoke(q);
            },
            s => s.AddSingleton(Probe),
            start);
        _hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task Enqueue_ThenRun_SucceedsWithResultReadableById()
    {
        TestHost host = await StartHostAsync();

        JobId id = await host.Client.EnqueueAsync(new AddArgs(20, 22));
        JobInfo info = await host.WaitAsync(id);

        info.State.Should().Be(JobState.Succeeded);
        info.GetResult<Sum>().Should().Be(new Sum(42));
        info.Attempt.Should().Be(1);
    }

    [Fact]
    public async Task AtLeastOnce_WorkerDiesHoldingTheLease_JobIsRescuedAndRunsAgain()
    {
        TestHost host = await StartHostAsync(start: false);
        JobId id = await host.Client.EnqueueAsync(new RecordArgs("survivor"));
        DateTimeOffset now = DateTimeOffset.UtcNow;

        // A worker that leases the job and then dies: it never renews, completes or gives the lease back.
        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(new FetchRequest
        {
            Queue = "default", Limit = 1, Now = now, LeaseToken = Guid.NewGuid(), LeaseExpiresAt = now.AddMilliseconds(200), WorkerId = "dead",
        }, default);
        await host.StartAsync();
        JobInfo info = await host.WaitAsync(id);

        leased.Should().ContainSingle(j => j.Id == id);
        info.State.Should().Be(JobState.Succeeded);
        info.Attempt.Should().Be(2);
        info.Errors.Should().ContainSingle().Which.Type.Should().Be("JobQueue.LeaseExpiredException");
        Probe.Count("survivor").Should().Be(1);
    }

    [Fact]
    public async Task Retry_HandlerFailsTwice_SucceedsOnThirdAttemptKeepingBothErrors()
    {
        TestHost host = await StartHostAsync();

        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new FlakyArgs("flaky", FailTimes: 2)));

        info.State.Should().Be(JobState.Succeeded);
        info.Attempt.Should().Be(3);
        info.Errors.Select(e => e.Attempt).Should().Equal(1, 2);
    }

    [Fact]
    public async Task Retry_AttemptsRunOut_JobIsFailedAndKept()
    {
        TestHost host = await StartHostAsync();

        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new FlakyArgs("doomed", FailTimes: 9), new EnqueueOptions { MaxAttempts = 2 }));

        info.State.Should().Be(JobState.Failed);
        info.Errors.Should().HaveCount(2);
        info.FinishedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task Execute_StoredArgumentsAreNotJson_FailsForGoodAndTheOthersOfTheFetchRunOnce()
    {
        TestHost host = await StartHostAsync(start: false);
        JobId first = await host.Client.EnqueueAsync(new RecordArgs("first"));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var corrupt = new NewJob
        {
            Id = JobId.New(), Name = "test-record", Queue = "default", Arguments = [0xFF, 0x00, 0x7B, 0x22],
            MaxAttempts = 5, Timeout = TimeSpan.FromMinutes(1), RetryDelay = TimeSpan.FromMilliseconds(10), RunAt = now,
        };
        await Storage.EnqueueAsync(new EnqueueRequest { Jobs = [corrupt], Now = now }, default);
        JobId last = await host.Client.EnqueueAsync(new RecordArgs("last"));

        await host.StartAsync();
        JobInfo failed = await host.WaitAsync(corrupt.Id);
        JobInfo firstDone = await host.WaitAsync(first);
        JobInfo lastDone = await host.WaitAsync(last);
        JobInfo later = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("later")));

        failed.State.Should().Be(JobState.Failed, "retrying cannot make the bytes JSON, whatever attempts remain");
        failed.Attempt.Should().Be(1);
        failed.Error!.Type.Should().Be(typeof(JobArgumentsException).FullName);
        failed.Arguments.ValueKind.Should().Be(System.Text.Json.JsonValueKind.Undefined, "the stored bytes are shown as no JSON, not thrown over");
        firstDone.State.Should().Be(JobState.Succeeded);
        firstDone.Attempt.Should().Be(1);
        lastDone.State.Should().Be(JobState.Succeeded);
        lastDone.Attempt.Should().Be(1);
        later.State.Should().Be(JobState.Succeeded);
        Probe.Events.Should().BeEquivalentTo(["first", "last", "later"]);
    }

    [Fact]
    public async Task Timeout_HandlerIgnoresCancellation_AttemptFailsWithTimeoutAndSlotIsFreed()
    {
        TestHost host = await StartHostAsync(q =>
        {
            q.AddQueue("single", concurrency: 1);
            q.Configure(o => o.TimeoutGrace = TimeSpan.FromMilliseconds(100));
        });

        JobId hung = await host.Client.EnqueueAsync(new GateArgs("hung", IgnoreCancellation: true),
            new EnqueueOptions { Queue = "single", Timeout = TimeSpan.FromMilliseconds(200), MaxAttempts = 1 });
        JobId next = await host.Client.EnqueueAsync(new AddArgs(1, 1), new EnqueueOptions { Queue = "single" });
        JobInfo hungInfo = await host.WaitAsync(hung);
        JobInfo nextInfo = await host.WaitAsync(next);
        Probe.Open("hung");

        hungInfo.State.Should().Be(JobState.Failed);
        hungInfo.Error!.Type.Should().Be(typeof(TimeoutException).FullName);
        nextInfo.State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task Batch_ChildrenOnTwoHosts_SuccessCallbackRunsExactlyOnceAfterAll()
    {
        TestHost first = await StartHostAsync();
        await StartHostAsync();

        BatchId batchId = await first.Client.StartBatchAsync(b =>
        {
            for (int i = 0; i < 200; i++)
            {
                b.Enqueue(new ChildArgs($"c{i}", Spawn: i % 50 == 0 ? 2 : 0));
            }

            b.OnSuccess(new CallbackArgs("dispatch"));
        });
        await Probe.WaitAsync("dispatch");
        BatchInfo? batch = await first.Client.GetBatchAsync(batchId);
        JobInfo callback = await first.WaitAsync(batch!.SuccessJobId!.Value);

        Probe.Count("child").Should().Be(208);
        Probe.Events.Should().Contain("dispatch:succeeded=208:failed=0:pending=0");
        callback.State.Should().Be(JobState.Succeeded);
        batch.State.Should().Be(BatchState.Succeeded);
        batch.Total.Should().Be(208);
        Probe.Count("dispatch").Should().Be(1);
    }

    [Fact]
    public async Task Batch_ChildFailsForGood_FailureCallbackRunsOnce()
    {
        TestHost host = await StartHostAsync();

        BatchId batchId = await host.Client.StartBatchAsync(b =>
        {
            b.Enqueue(new ChildArgs("bad", Fail: true));
            b.Enqueue(new ChildArgs("good"));
            b.OnSuccess(new CallbackArgs("dispatch"));
            b.OnFailure(new CallbackArgs("alarm"));
        });
        await Probe.WaitAsync("alarm");
        BatchInfo? batch = await host.Client.GetBatchAsync(batchId);
        JobInfo success = await host.WaitAsync(batch!.SuccessJobId!.Value);

        batch.State.Should().Be(BatchState.Failed);
        success.State.Should().Be(JobState.Cancelled);
        Probe.Count("alarm").Should().Be(1);
    }

    [Fact]
    public async Task Idempotency_SecondEnqueueWithLiveKey_ReturnsFirstId()
    {
        TestHost host = await StartHostAsync(start: false);

        JobId first = await host.Client.EnqueueAsync(new RecordArgs("once"), new EnqueueOptions { IdempotencyKey = "k-1" });
        JobId second = await host.Client.EnqueueAsync(new RecordArgs("twice"), new EnqueueOptions { IdempotencyKey = "k-1" });
        await host.StartAsync();
        await host.WaitAsync(first);

        second.Should().Be(first);
        Probe.Count("once").Should().Be(1);
        Probe.Count("twice").Should().Be(0);
    }

    [Fact]
    public async Task Ordering_PriorityThenRunTimeThenEnqueueOrder()
    {
        TestHost host = await StartHostAsync(q => q.AddQueue("ordered", concurrency: 1), start: false);
        DateTimeOffset past = DateTimeOffset.UtcNow.AddMinutes(-1);
        var ids = new List<JobId>
        {
            await host.Client.EnqueueAsync(new RecordArgs("low-now"), new EnqueueOptions { Queue = "ordered" }),
            await host.Client.EnqueueAsync(new RecordArgs("high"), new EnqueueOptions { Queue = "ordered", Priority = 5 }),
            await host.Client.EnqueueAsync(new RecordArgs("low-earlier"), new EnqueueOptions { Queue = "ordered", RunAt = past }),
            await host.Client.EnqueueAsync(new RecordArgs("low-now-2"), new EnqueueOptions { Queue = "ordered" }),
        };

        await host.StartAsync();
        foreach (JobId id in ids)
        {
            await host.WaitAsync(id);
        }

        Probe.Events.Should().Equal("high", "low-earlier", "low-now", "low-now-2");
    }

    [Fact]
    public async Task Delay_JobRunsOnlyAfterItsDelay()
    {
        TestHost host = await StartHostAsync();

        JobId id = await host.Client.EnqueueAsync(new RecordArgs("delayed"), new EnqueueOptions { Delay = TimeSpan.FromMilliseconds(300) });
        JobInfo? before = await host.Client.GetAsync(id);
        JobInfo info = await host.WaitAsync(id);

        before!.State.Should().Be(JobState.Scheduled);
        info.State.Should().Be(JobState.Succeeded);
        info.StartedAt.Should().BeOnOrAfter(info.RunAt);
    }

    [Fact]
    public async Task Shutdown_JobOutlastsTimeout_LeaseIsGivenBackAndAnotherHostFinishesIt()
    {
        TestHost leaving = await StartHostAsync(q => q.Configure(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(100)));
        JobId id = await leaving.Client.EnqueueAsync(new FlakyArgs("handover", FailTimes: 0));
        JobId gated = await leaving.Client.EnqueueAsync(new GateArgs("handover-gate"));
        await Probe.WaitAsync("handover-gate:started");

        await Deadline.Within(leaving.StopAsync(), "the first host to stop");
        JobInfo? givenBack = await leaving.Client.GetAsync(gated);
        TestHost staying = await StartHostAsync();
        Probe.Open("handover-gate");
        JobInfo finished = await staying.WaitAsync(gated);
        await staying.WaitAsync(id);

        givenBack!.State.Should().Be(JobState.Enqueued);
        givenBack.Attempt.Should().Be(0);
        finished.State.Should().Be(JobState.Succeeded);
        finished.Attempt.Should().Be(1);
    }

    [Fact]
    public async Task Cancel_JobRunningOnAnotherHost_ItsTokenFiresAtTheNextLeaseRenewal()
    {
        TestHost worker = await StartHostAsync(q => q.Configure(o => o.LeaseDuration = TimeSpan.FromMilliseconds(600)));
        TestHost web = await StartHostAsync(q => q.Configure(o => o.RunWorker = false));
        JobId id = await web.Client.EnqueueAsync(new GateArgs("remote"));
        await Probe.WaitAsync("remote:started");

        bool cancelled = await web.Client.CancelAsync(id);
        await Probe.WaitAsync("remote:cancelled");
        JobInfo info = await web.WaitAsync(id);

        cancelled.Should().BeTrue();
        info.State.Should().Be(JobState.Cancelled);
        Probe.Count("remote:done").Should().Be(0);
        await worker.Logs.WaitForAsync(e => e.EventId.Id == 1103, "the worker to log the lost lease (1103)");
    }
}
