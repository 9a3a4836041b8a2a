using JobQueue.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Flow;

public sealed class FlowControlTests
{
    private readonly Probe _probe = new();

    private Task<TestHost> StartAsync(Action<JobQueueBuilder> configure) => Hosts.StartAsync(_probe, q =>
    {
        q.AddJob<FlowGatedJob>(j => j.ConcurrencyPerKey = 1);
        q.AddJob<RateLimitedJob>();
        q.AddJob<NumberedJob>();
        q.AddJob<CollectJob>();
        q.AddJob<PlannerJob>();
        configure(q);
    });

    private async Task<JobInfo> ReadAsync(TestHost host, JobId id) => (await host.Client.GetAsync(id))!;

    [Fact]
    public async Task ConcurrencyPerKey_SecondJobOfTheKeyWaitsWithItsReasonWhileAnotherKeyRuns()
    {
        await using TestHost host = await StartAsync(_ => { });

        await host.Client.EnqueueAsync(new FlowGatedArgs("a1"), new EnqueueOptions { LimitKey = "customer-a" });
        await _probe.WaitAsync("start:a1");
        JobId a2 = await host.Client.EnqueueAsync(new FlowGatedArgs("a2"), new EnqueueOptions { LimitKey = "customer-a" });
        await host.Client.EnqueueAsync(new FlowGatedArgs("b1"), new EnqueueOptions { LimitKey = "customer-b" });
        await _probe.WaitAsync("start:b1");

        JobInfo waiting = await ReadAsync(host, a2);
        waiting.State.Should().Be(JobState.Enqueued);
        waiting.LimitKey.Should().Be("customer-a");
        waiting.Waiting.Should().Be(new JobWait { Reason = JobWaitReason.KeyAtLimit });
        _probe.Count("start:a2").Should().Be(0);

        _probe.Open("a1");
        await _probe.WaitAsync("start:a2");
        _probe.Events.ToList().IndexOf("end:a1").Should().BeLessThan(_probe.Events.ToList().IndexOf("start:a2"));
        (await ReadAsync(host, a2)).Attempt.Should().Be(1, "waiting for its key spent no attempt");
        _probe.Open("a2");
        _probe.Open("b1");
        (await host.WaitAsync(a2)).State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task GlobalConcurrency_QueueRunsNoMoreThanItsLimitAndSaysWhy()
    {
        await using TestHost host = await StartAsync(q => q.AddQueue("partner", 4, o => o.GlobalConcurrency = 1));
        var options = new EnqueueOptions { Queue = "partner" };

        await host.Client.EnqueueAsync(new FlowGatedArgs("p1"), options);
        await _probe.WaitAsync("start:p1");
        JobId second = await host.Client.EnqueueAsync(new FlowGatedArgs("p2"), options);

        (await ReadAsync(host, second)).Waiting!.Reason.Should().Be(JobWaitReason.QueueAtLimit);
        _probe.Open("p1");
        await _probe.WaitAsync("start:p2");
        _probe.Open("p2");
        (await host.WaitAsync(second)).State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task PausedQueue_ReadyJobSaysItsQueueIsPaused()
    {
        await using TestHost host = await StartAsync(_ => { });
        await host.Services.GetRequiredService<IJobAdmin>().PauseQueueAsync(JobQueueOptions.DefaultQueueName);

        JobId id = await host.Client.EnqueueAsync(new FlowGatedArgs("paused"));

        (await ReadAsync(host, id)).Waiting.Should().Be(new JobWait { Reason = JobWaitReason.QueuePaused });
        await host.Services.GetRequiredService<IJobAdmin>().ResumeQueueAsync(JobQueueOptions.DefaultQueueName);
        await _probe.WaitAsync("start:paused");
        _probe.Open("paused");
    }

    [Fact]
    public async Task RateLimitOfAType_SecondStartWaitsForRoomAndSaysUntilWhen()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.AddJob<NumberedJob>(j => j.RateLimit = RateLimit.PerHour(1)));

        JobInfo first = await host.WaitAsync(await host.Client.EnqueueAsync(new NumberedArgs(1)));
        JobId second = await host.Client.EnqueueAsync(new NumberedArgs(2));

        JobInfo waiting = await ReadAsync(host, second);
        waiting.State.Should().Be(JobState.Enqueued);
        waiting.Waiting!.Reason.Should().Be(JobWaitReason.RateLimited);
        waiting.Waiting.Until.Should().Be(first.StartedAt!.Value + TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task RateLimitedException_HoldsBackItsKeyOnlyAndSpendsNoAttempt()
    {
        await using TestHost host = await StartAsync(_ => { });

        JobId limited = await host.Client.EnqueueAsync(new RateLimitedArgs("r1", RetryAfterMilliseconds: 1_500), new EnqueueOptions { LimitKey = "partner-x" });
        LogEntry held = await host.Logs.WaitForAsync(e => e.EventId.Id == 2115, "the hold of partner-x");
        DateTimeOffset holdStart = DateTimeOffset.UtcNow;
        JobId sameKey = await host.Client.EnqueueAsync(new FlowGatedArgs("same-key"), new EnqueueOptions { LimitKey = "partner-x" });
        await host.Client.EnqueueAsync(new FlowGatedArgs("other-key"), new EnqueueOptions { LimitKey = "partner-y" });
        await _probe.WaitAsync("start:other-key");

        JobInfo waiting = await ReadAsync(host, sameKey);
        if (waiting.State == JobState.Enqueued)
        {
            // Read within the hold (on a slow machine the hold may have ended already; then the start times below decide).
            waiting.Waiting!.Reason.Should().Be(JobWaitReason.HeldBack);
        }

        _probe.Open("same-key");
        _probe.Open("other-key");
        JobInfo sameKeyDone = await host.WaitAsync(sameKey);
        JobInfo limitedDone = await host.WaitAsync(limited);

        held.Message.Should().Contain("key:partner-x");
        limitedDone.State.Should().Be(JobState.Succeeded);
        limitedDone.Attempt.Should().Be(1, "the rate-limited run gave its attempt back");
        sameKeyDone.StartedAt.Should().BeOnOrAfter(holdStart.AddMilliseconds(1_000), "no job with the held key starts before the hold ends");
    }

    [Fact]
    public async Task Debounce_ReplaceOnConflict_KeepsOneJobWithTheLatestArguments()
    {
        await using TestHost host = await StartAsync(_ => { });
        EnqueueOptions Options() => new()
        {
            IdempotencyKey = "digest:ann",
            IdempotencyScope = IdempotencyScope.WhileQueued,
            OnConflict = IdempotencyConflict.Replace,
            Delay = TimeSpan.FromHours(1),
        };

        JobId first = await host.Client.EnqueueAsync(new NumberedArgs(1), Options());
        JobId second = await host.Client.EnqueueAsync(new NumberedArgs(2), Options());

        second.Should().Be(first);
        JobInfo job = await ReadAsync(host, first);
        job.State.Should().Be(JobState.Scheduled);
        job.Arguments.GetProperty("n").GetInt32().Should().Be(2);
        job.RunAt.Should().BeAfter(DateTimeOffset.UtcNow.AddMinutes(59));
    }

    [Fact]
    public async Task FailFastBatch_FirstFailureCancelsRunningAndWaitingChildren()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q =>
        {
            q.AddJob<FlowGatedJob>();
            q.AddJob<RateLimitedJob>();
            q.AddQueue("waiting", 1);

            // The cancelled running child learns of its lost lease at the next renewal, a third of the lease.
            q.Configure(o => o.LeaseDuration = TimeSpan.FromMilliseconds(600));
        });
        await host.Services.GetRequiredService<IJobAdmin>().PauseQueueAsync("waiting");

        BatchId batchId = await host.Client.StartBatchAsync(b =>
        {
            b.FailurePolicy = BatchFailurePolicy.FailFast;
            b.Enqueue(new FlowGatedArgs("running"));
            b.Enqueue(new FlowGatedArgs("failing"), new EnqueueOptions { MaxAttempts = 1, Timeout = TimeSpan.FromMilliseconds(200) });
            b.Enqueue(new FlowGatedArgs("waiting"), new EnqueueOptions { Queue = "waiting" });
            b.OnFailure(new FlowGatedArgs("on-failure"));
        });
        await _probe.WaitAsync("start:running");
        await _probe.WaitAsync("cancelled:running");
        await _probe.WaitAsync("start:on-failure");
        _probe.Open("on-failure");

        BatchInfo batch = (await host.Client.GetBatchAsync(batchId))!;
        batch.FailurePolicy.Should().Be(BatchFailurePolicy.FailFast);
        batch.State.Should().Be(BatchState.Failed);
        batch.Failed.Should().Be(3);
        batch.Pending.Should().Be(0);
        _probe.Count("start:waiting").Should().Be(0);
        _probe.Count("start:on-failure").Should().Be(1);
    }

    [Fact]
    public async Task SuccessCallback_ReadsItsChildrenResultsPageByPage()
    {
        await using TestHost host = await StartAsync(_ => { });

        await host.Client.StartBatchAsync(b =>
        {
            for (int n = 1; n <= 25; n++)
            {
                b.Enqueue(new NumberedArgs(n));
            }

            b.OnSuccess(new CollectArgs(PageSize: 7));
        });

        await _probe.WaitAsync("collected:25:325");
    }

    [Fact]
    public async Task NestedBatch_OuterSuccessCallbackWaitsForTheNestedChildren()
    {
        await using TestHost host = await StartAsync(_ => { });

        BatchId outer = await host.Client.StartBatchAsync(b =>
        {
            b.Enqueue(new PlannerArgs(["n1", "n2"]));
            b.OnSuccess(new FlowGatedArgs("outer-success"));
        });
        await _probe.WaitAsync("start:n1");
        await _probe.WaitAsync("start:n2");
        BatchInfo whileNestedRuns = (await host.Client.GetBatchAsync(outer))!;

        _probe.Open("n1");
        _probe.Open("n2");
        _probe.Open("nested-success");
        await _probe.WaitAsync("start:outer-success");
        _probe.Open("outer-success");

        whileNestedRuns.State.Should().Be(BatchState.Running);
        whileNestedRuns.Total.Should().Be(2, "the planner and its nested batch");
        whileNestedRuns.Pending.Should().BeGreaterThan(0);
        List<string> events = _probe.Events.ToList();
        events.IndexOf("start:outer-success").Should().BeGreaterThan(events.IndexOf("end:n1")).And.BeGreaterThan(events.IndexOf("end:n2"));
        string nestedId = events.Single(e => e.StartsWith("nested:", StringComparison.Ordinal))["nested:".Length..];
        (await host.Client.GetBatchAsync(BatchId.Parse(nestedId)))!.ParentBatchId.Should().Be(outer);
    }
}
