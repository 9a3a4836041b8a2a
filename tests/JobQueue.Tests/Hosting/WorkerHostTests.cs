using JobQueue.Hosting;
using Microsoft.Extensions.Hosting;
using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobQueue.Tests.Hosting;

public sealed class WorkerHostTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task Enqueue_JobWithResult_SucceedsAndStoresResult()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobId id = await host.Client.EnqueueAsync(new AddArgs(2, 3));
        JobInfo info = await host.WaitAsync(id);

        info.State.Should().Be(JobState.Succeeded);
        info.Attempt.Should().Be(1);
        info.GetResult<Sum>().Should().Be(new Sum(5));
        info.StartedAt.Should().NotBeNull();
        info.FinishedAt.Should().BeOnOrAfter(info.StartedAt!.Value);
        info.Name.Should().Be("test-add");
    }

    [Fact]
    public async Task Execute_HandlerFailsTwice_RetriesAndSucceedsKeepingEachError()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobId id = await host.Client.EnqueueAsync(new FlakyArgs("flaky", FailTimes: 2));
        JobInfo info = await host.WaitAsync(id);

        info.State.Should().Be(JobState.Succeeded);
        info.Attempt.Should().Be(3);
        info.Errors.Select(e => e.Attempt).Should().Equal(1, 2);
        info.Errors.Should().OnlyContain(e => e.Type == typeof(InvalidOperationException).FullName);
        info.Errors[1].Message.Should().Be("flaky failed on attempt 2");
        _probe.Events.Should().Equal("flaky:attempt1", "flaky:attempt2", "flaky:attempt3");
    }

    [Fact]
    public async Task Execute_HandlerKeepsFailing_FailsAfterMaxAttemptsWithEveryError()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobId id = await host.Client.EnqueueAsync(new FlakyArgs("doomed", FailTimes: 99), new EnqueueOptions { MaxAttempts = 3 });
        JobInfo info = await host.WaitAsync(id);

        info.State.Should().Be(JobState.Failed);
        info.Attempt.Should().Be(3);
        info.MaxAttempts.Should().Be(3);
        info.Errors.Select(e => e.Attempt).Should().Equal(1, 2, 3);
        info.Error!.Message.Should().Be("doomed failed on attempt 3");
        info.Error.StackTrace.Should().Contain(nameof(FlakyJob));
        await host.Logs.WaitForAsync(e => e.EventId.Id == 2102 && e.Level == LogLevel.Error, "the error logged for a job that failed for good (2102)");
    }

    [Fact]
    public async Task Execute_PermanentFailure_FailsWithoutRetry()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobId id = await host.Client.EnqueueAsync(new FlakyArgs("permanent", FailTimes: 0, Permanent: true));
        JobInfo info = await host.WaitAsync(id);

        info.State.Should().Be(JobState.Failed);
        info.Attempt.Should().Be(1);
        info.Error!.Type.Should().Be(typeof(PermanentJobFailureException).FullName);
        info.Error.Message.Should().Be("permanent cannot succeed");
    }

    [Fact]
    public async Task Execute_HandlerSnoozes_RunsAgainWithoutSpendingAnAttempt()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobId id = await host.Client.EnqueueAsync(new SnoozeArgs("sleepy"), new EnqueueOptions { MaxAttempts = 1 });
        JobInfo info = await host.WaitAsync(id);

        info.State.Should().Be(JobState.Succeeded);
        info.Attempt.Should().Be(1);
        info.Errors.Should().BeEmpty();
        _probe.Count("sleepy:run").Should().Be(2);
    }

    [Fact]
    public async Task Execute_CooperativeHandlerTimesOut_AttemptFailsWithTimeoutAndRetries()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobId id = await host.Client.EnqueueAsync(new GateArgs("slow"),
            new EnqueueOptions { Timeout = TimeSpan.FromMilliseconds(200), MaxAttempts = 2 });
        JobInfo info = await host.WaitAsync(id);

        info.State.Should().Be(JobState.Failed);
        info.Errors.Should().HaveCount(2).And.OnlyContain(e => e.Type == typeof(TimeoutException).FullName);
        info.Error!.Message.Should().Contain("exceeded its timeout of 00:00:00.2000000");
        _probe.Count("slow:cancelled").Should().Be(2);
    }

    [Fact]
    public async Task Execute_HandlerIgnoresCancellation_IsAbandonedAndItsSlotServesTheNextJob()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q =>
        {
            q.AddQueue("single", concurrency: 1);
            q.Configure(o => o.TimeoutGrace = TimeSpan.FromMilliseconds(100));
        });

        JobId hung = await host.Client.EnqueueAsync(new GateArgs("hung", IgnoreCancellation: true),
            new EnqueueOptions { Queue = "single", Timeout = TimeSpan.FromMilliseconds(200), MaxAttempts = 1 });
        JobId next = await host.Client.EnqueueAsync(new AddArgs(1, 1), new EnqueueOptions { Queue = "single" });
        JobInfo hungInfo = await host.WaitAsync(hung);
        JobInfo nextInfo = await host.WaitAsync(next);

        hungInfo.State.Should().Be(JobState.Failed);
        hungInfo.Error!.Type.Should().Be(typeof(TimeoutException).FullName);
        hungInfo.Error.Message.Should().Contain("ignored cancellation").And.Contain("abandoned");
        nextInfo.State.Should().Be(JobState.Succeeded);
        await host.Logs.WaitForAsync(e => e.EventId.Id == 2103 && e.Level == LogLevel.Warning, "the warning logged for the abandoned handler (2103)");
        _probe.Open("hung");
        await _probe.WaitAsync("hung:done");
    }

    [Fact]
    public async Task Execute_AbandonedHandler_ItsScopeIsDisposedOnlyOnceTheHandlerEnds()
    {
        await using TestHost host = await Hosts.StartAsync(
            _probe,
            q =>
            {
                q.AddJob<ScopedGateJob>();
                q.Configure(o => o.TimeoutGrace = TimeSpan.FromMilliseconds(100));
            },
            s => s.AddScoped<ScopedResource>());

        JobId hung = await host.Client.EnqueueAsync(new ScopedGateArgs("held"),
            new EnqueueOptions { Timeout = TimeSpan.FromMilliseconds(200), MaxAttempts = 1 });
        JobInfo info = await host.WaitAsync(hung);

        info.State.Should().Be(JobState.Failed);
        info.Error!.Message.Should().Contain("abandoned");
        _probe.Count("held:disposed").Should().Be(0, "the abandoned handler still runs and still uses its scope");
        _probe.Open("held");
        await _probe.WaitAsync("held:done");
        await _probe.WaitAsync("held:disposed");
    }

    [Fact]
    public async Task Execute_StoredArgumentsNoLongerDeserialize_FailsForGoodWithPreciseError()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var job = new JobQueue.Storage.NewJob
        {
            Id = JobId.New(), Name = "test-add", Queue = "default", Arguments = "{\"a\":\"not a number\"}"u8.ToArray(),
            MaxAttempts = 5, Timeout = TimeSpan.FromMinutes(1), RetryDelay = TimeSpan.Zero, RunAt = now,
        };

        await host.Storage.EnqueueAsync(new JobQueue.Storage.EnqueueRequest { Jobs = [job], Now = now }, default);
        JobInfo info = await host.WaitAsync(job.Id);

        info.State.Should().Be(JobState.Failed);
        info.Attempt.Should().Be(1);
        info.Error!.Type.Should().Be(typeof(JobArgumentsException).FullName);
        info.Error.Message.Should().Contain(typeof(AddArgs).FullName);
    }

    /// <summary>The in-memory store, but its fetch reads the job named "damaged" as a durable store reads a damaged record.</summary>
    private sealed class DamagedFetchStorage(IJobStorage inner) : DelegatingStorage(inner)
    {
        public override async ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
            => [.. (await base.FetchAsync(request, cancellationToken)).Select(job => job.Arguments.AsSpan().IndexOf("damaged"u8) < 0 ? job : job with
            {
                Timeout = TimeSpan.Zero,
                Unreadable = "timeout_ticks: holds text 'soon' where an integer was expected",
            })];
    }

    [Fact]
    public async Task Execute_FetchedJobDoesNotFullyRead_FailsForGoodWithoutRunningAndTheOthersRun()
    {
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseStorage("Damaged", _ => new DamagedFetchStorage(new InMemoryJobStorage(new InMemoryStorageOptions()))).AddTestJobs(),
            s => s.AddSingleton(_probe),
            start: false);
        JobId damaged = await host.Client.EnqueueAsync(new RecordArgs("damaged"), new EnqueueOptions { MaxAttempts = 5 });
        JobId other = await host.Client.EnqueueAsync(new RecordArgs("other"));

        await host.StartAsync();
        JobInfo failed = await host.WaitAsync(damaged);
        JobInfo done = await host.WaitAsync(other);

        failed.State.Should().Be(JobState.Failed);
        failed.Attempt.Should().Be(1, "retrying cannot repair stored data");
        failed.Error!.Type.Should().Be("JobQueue.UnreadableJobException");
        failed.Error.Message.Should().Be(
            "The stored job could not be fully read, so it was not run: timeout_ticks: holds text 'soon' where an integer was expected");
        done.State.Should().Be(JobState.Succeeded);
        _probe.Events.Should().Equal("other");
        host.Logs.Entries.Should().Contain(e => e.EventId.Id == 2102 && e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task Stop_RunningJobFinishesWithinShutdownTimeout_CompletesBeforeHostStops()
    {
        TestHost host = await Hosts.StartAsync(_probe);
        JobId id = await host.Client.EnqueueAsync(new GateArgs("drain"));
        await _probe.WaitAsync("drain:started");

        Task stopping = host.StopAsync();
        _probe.Open("drain");
        await Deadline.Within(stopping, "host stop");
        JobInfo? info = await host.Client.GetAsync(id);
        await host.DisposeAsync();

        info!.State.Should().Be(JobState.Succeeded);
        _probe.Count("drain:done").Should().Be(1);
    }

    [Fact]
    public async Task Stop_DisposedWhileAStopStillDrains_DisposeWaitsForThatStopAndNeitherThrows()
    {
        // WebApplication disposes its host when Run returns, while the host's StopAsync may still be draining.
        TestHost host = await Hosts.StartAsync(_probe);
        await host.Client.EnqueueAsync(new GateArgs("overlap"));
        await _probe.WaitAsync("overlap:started");
        WorkerHost worker = host.Services.GetServices<IHostedService>().OfType<WorkerHost>().Single();

        Task stopping = worker.StopAsync(CancellationToken.None);
        Task disposing = worker.DisposeAsync().AsTask();
        bool disposedBeforeTheDrain = disposing.IsCompleted;
        _probe.Open("overlap");
        await Deadline.Within(stopping, "the first stop");
        await Deadline.Within(disposing, "the dispose");
        await host.DisposeAsync();

        disposedBeforeTheDrain.Should().BeFalse("the dispose waits for the stop in progress instead of disposing what it uses");
        _probe.Count("overlap:done").Should().Be(1);
    }

    [Fact]
    public async Task Stop_RunningJobOutlastsShutdownTimeout_IsCancelledAndGivenBackWithoutSpendingItsAttempt()
    {
        TestHost host = await Hosts.StartAsync(_probe, q => q.Configure(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(100)));
        JobId id = await host.Client.EnqueueAsync(new GateArgs("long"));
        await _probe.WaitAsync("long:started");

        await Deadline.Within(host.StopAsync(), "host stop");
        JobInfo? info = await host.Client.GetAsync(id);
        await host.DisposeAsync();

        info!.State.Should().Be(JobState.Enqueued);
        info.Attempt.Should().Be(0);
        info.Errors.Should().BeEmpty();
        _probe.Count("long:cancelled").Should().Be(1);
    }

    [Fact]
    public async Task Stop_GraceAtTheTimerLimit_StillWaitsForCancelledJobsToGiveTheirLeasesBack()
    {
        // The host waits up to the grace plus a margin after cancelling: past a timer's limit unless capped, and an
        // overflowing wait ends at once, so stop would return before the job was given back.
        TestHost host = await Hosts.StartAsync(_probe, q =>
        {
            q.AddJob<SlowToStopJob>();
            q.Configure(o =>
            {
                o.ShutdownTimeout = TimeSpan.FromMilliseconds(50);
                o.TimeoutGrace = TimerLimit.Max;
            });
        });
        JobId id = await host.Client.EnqueueAsync(new SlowToStopArgs("slow"));
        await _probe.WaitAsync("slow:started");

        Task stopping = host.StopAsync();
        await _probe.WaitAsync("slow:cancelled");
        _probe.Open("slow");
        await Deadline.Within(stopping, "host stop");
        JobInfo? info = await host.Client.GetAsync(id);
        await host.DisposeAsync();

        info!.State.Should().Be(JobState.Enqueued, "stop waited for the cancelled job to end and give its lease back");
        info.Attempt.Should().Be(0);
    }

    [Fact]
    public async Task Stop_HandlerIgnoresShutdownCancellation_IsAbandonedAndGivenBack()
    {
        TestHost host = await Hosts.StartAsync(_probe, q => q.Configure(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(50);
            o.TimeoutGrace = TimeSpan.FromMilliseconds(50);
        }));
        JobId id = await host.Client.EnqueueAsync(new GateArgs("stubborn", IgnoreCancellation: true));
        await _probe.WaitAsync("stubborn:started");

        await Deadline.Within(host.StopAsync(), "host stop");
        JobInfo? info = await host.Client.GetAsync(id);
        await host.DisposeAsync();
        _probe.Open("stubborn");

        info!.State.Should().Be(JobState.Enqueued);
        info.Attempt.Should().Be(0);
    }

    [Fact]
    public async Task Queue_Concurrency_NeverRunsMoreJobsAtOnceThanConfigured()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.AddQueue("pair", concurrency: 2));

        var ids = new List<JobId>();
        for (int i = 0; i < 3; i++)
        {
            ids.Add(await host.Client.EnqueueAsync(new GateArgs($"c{i}"), new EnqueueOptions { Queue = "pair" }));
        }

        await _probe.WaitAsync("c0:started");
        await _probe.WaitAsync("c1:started");
        JobInfo? third = await host.Client.GetAsync(ids[2]);
        _probe.Open("c0");
        await _probe.WaitAsync("c2:started");
        _probe.Open("c1");
        _probe.Open("c2");
        foreach (JobId id in ids)
        {
            (await host.WaitAsync(id)).State.Should().Be(JobState.Succeeded);
        }

        third!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task Queue_Priorities_HigherPriorityRunsFirstThenEnqueueOrder()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.AddQueue("ordered", concurrency: 1), start: false);
        var ids = new List<JobId>
        {
            await host.Client.EnqueueAsync(new RecordArgs("low-1"), new EnqueueOptions { Queue = "ordered", Priority = 0 }),
            await host.Client.EnqueueAsync(new RecordArgs("high"), new EnqueueOptions { Queue = "ordered", Priority = 10 }),
            await host.Client.EnqueueAsync(new RecordArgs("low-2"), new EnqueueOptions { Queue = "ordered", Priority = 0 }),
            await host.Client.EnqueueAsync(new RecordArgs("mid"), new EnqueueOptions { Queue = "ordered", Priority = 5 }),
        };

        await host.StartAsync();
        foreach (JobId id in ids)
        {
            await host.WaitAsync(id);
        }

        _probe.Events.Should().Equal("high", "mid", "low-1", "low-2");
    }

    [Fact]
    public async Task Execute_HandlerLogs_CarryTheJobsScope()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.AddJob<LoggingJob>());

        JobId id = await host.Client.EnqueueAsync(new LoggingArgs("from the handler"));
        await host.WaitAsync(id);

        // The handler runs on a pool thread; the engine's execution context (log scope, trace) must go with it.
        await host.Logs.WaitForAsync(e => e.EventId.Id == LoggingJob.EventId && e.Scope == $"Job {id} (test-logging) in default, attempt 1", "the handler's log entry in the job's scope");
    }

    [Fact]
    public async Task Execute_JobScope_LogsCarryJobIdNameQueueAndAttempt()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobId id = await host.Client.EnqueueAsync(new FlakyArgs("scoped", FailTimes: 1));
        await host.WaitAsync(id);

        await host.Logs.WaitForAsync(e => e.EventId.Id == 2101 && e.Scope == $"Job {id} (test-flaky) in default, attempt 1", "the retry warning (2101) in the scope of attempt 1");
    }
}

[JobName("test-scoped-gate")]
public sealed record ScopedGateArgs(string Name);

/// <summary>A scoped service that records its disposal as "{Name}:disposed".</summary>
public sealed class ScopedResource(Probe probe) : IDisposable
{
    public string? Name { get; set; }

    public void Dispose() => probe.Record($"{Name}:disposed");
}

/// <summary>Holds a scoped resource, ignores cancellation, and waits for gate Name.</summary>
public sealed class ScopedGateJob(Probe probe, ScopedResource resource) : IJob<ScopedGateArgs>
{
    public async Task ExecuteAsync(ScopedGateArgs args, JobContext context, CancellationToken cancellationToken)
    {
        resource.Name = args.Name;
        await probe.GateAsync(args.Name, CancellationToken.None);
        probe.Record($"{args.Name}:done");
    }
}

[JobName("test-logging")]
public sealed record LoggingArgs(string Message);

/// <summary>Logs its message through its own logger, as a user's handler does.</summary>
public sealed class LoggingJob(ILogger<LoggingJob> logger) : IJob<LoggingArgs>
{
    public const int EventId = 4242;

    public Task ExecuteAsync(LoggingArgs args, JobContext context, CancellationToken cancellationToken)
    {
#pragma warning disable CA1848, CA2254 // A test handler: the message is the test's own data.
        logger.Log(LogLevel.Information, new EventId(EventId), args.Message);
#pragma warning restore CA1848, CA2254
        return Task.CompletedTask;
    }
}

[JobName("test-slow-to-stop")]
public sealed record SlowToStopArgs(string Name);

/// <summary>Waits for its token; once cancelled, records it and finishes only when gate Name opens.</summary>
public sealed class SlowToStopJob(Probe probe) : IJob<SlowToStopArgs>
{
    public async Task ExecuteAsync(SlowToStopArgs args, JobContext context, CancellationToken cancellationToken)
    {
        probe.Record($"{args.Name}:started");
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Record($"{args.Name}:cancelled");
            await probe.GateAsync(args.Name, CancellationToken.None);
            throw;
        }
    }
}
