using JobQueue.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Testing.Tests;

public sealed class JobQueueTestHarnessRunningTests
{
    [Fact]
    public async Task RunJobs_JobEnqueuesAChild_RunsBoth()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new SignUp("a@b.c"));

        JobRunReport report = await harness.RunJobsAsync();

        report.Attempts.Select(a => a.Job.Name).Should().Equal("sign-up", "send-welcome");
        report.Succeeded.Should().Be(2);
        harness.Outbox().Sent.Should().ContainSingle().Which.Email.Should().Be("a@b.c");
    }

    [Fact]
    public async Task RunJobs_FlakyJob_FollowsEachRetryOnTheClockUntilItSucceeds()
    {
        await using JobQueueTestHarness harness = Harness.Create(q => q.AddJob<RetryTimesJob>(j => { j.MaxAttempts = 5; j.RetryDelay = TimeSpan.FromSeconds(10); }));
        DateTimeOffset start = harness.Clock.GetUtcNow();
        JobId id = await harness.Jobs.EnqueueAsync(new RetryTimes(Failures: 2));

        JobRunReport report = await harness.RunJobsAsync();

        report.Attempts.Select(a => (a.Attempt, a.State)).Should().Equal((1, JobState.Scheduled), (2, JobState.Scheduled), (3, JobState.Succeeded));
        report.Retried.Should().Be(2);
        // The engine's backoff: about 10 s, then about 20 s (±20% jitter).
        (report.Attempts[1].StartedAt - start).Should().BeCloseTo(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
        (report.Attempts[2].StartedAt - report.Attempts[1].StartedAt).Should().BeCloseTo(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(4));
        harness.Clock.GetUtcNow().Should().Be(report.Attempts[2].StartedAt);
        JobInfo job = (await harness.Jobs.GetAsync(id))!;
        job.State.Should().Be(JobState.Succeeded);
        job.Errors.Should().HaveCount(2);
    }

    [Fact]
    public async Task RunJobs_FollowRetriesOff_LeavesTheRetryScheduled()
    {
        await using JobQueueTestHarness harness = Harness.Create(options: o => o.FollowRetries = false);
        await harness.Jobs.EnqueueAsync(new Flaky(Failures: 1));

        JobRunReport report = await harness.RunJobsAsync();

        report.Attempts.Should().ContainSingle().Which.State.Should().Be(JobState.Scheduled);
        report.EndedAt.Should().Be(report.StartedAt);
        await harness.AssertEnqueuedAsync<Flaky>();
    }

    [Fact]
    public async Task RunJobs_JobFailsForGood_ThrowsWithTheErrorAfterRunningTheRest()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new Flaky(Failures: 10));
        await harness.Jobs.EnqueueAsync(new SendWelcome("a@b.c"));

        Func<Task> run = async () => await harness.RunJobsAsync();

        string message = (await run.Should().ThrowAsync<JobQueueTestException>()).Which.Message;
        message.Should().StartWith(
            """
            1 job failed for good while the harness ran them (pass allowFailures: true when the test expects it). 4 attempts from 2026-01-01 00:00:00Z to
            """.ReplaceLineEndings("\n").TrimEnd());
        message.Should().Contain("\n  flaky {\"failures\":10} attempt 1 at 2026-01-01 00:00:00Z: Scheduled again at ");
        message.Should().Contain("(System.Net.Http.HttpRequestException: the partner answered 503 on attempt 1)");
        message.Should().Contain("\n  send-welcome {\"email\":\"a@b.c\"} attempt 1 at 2026-01-01 00:00:00Z: Succeeded");
        message.Should().Contain("flaky {\"failures\":10} attempt 3 at").And.Contain(": Failed (System.Net.Http.HttpRequestException: the partner answered 503 on attempt 3)");
        message.Should().Contain("The first failure, flaky attempt 3:\nSystem.Net.Http.HttpRequestException: the partner answered 503 on attempt 3")
            .And.Contain("at JobQueue.Testing.Tests.FlakyJob.ExecuteAsync");
        harness.Outbox().Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task RunJobs_AllowFailures_ReturnsTheFailureInTheReport()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        JobId id = await harness.Jobs.EnqueueAsync(new Flaky(Failures: 10));

        JobRunReport report = await harness.RunJobsAsync(allowFailures: true);

        report.Failed.Should().Be(1);
        report.Attempts[^1].Job.Id.Should().Be(id);
        report.Attempts[^1].Error!.Message.Should().Be("the partner answered 503 on attempt 3");
        report.ToString().Should().StartWith("3 attempts from 2026-01-01 00:00:00Z to ").And.Contain(": 0 succeeded, 2 to be retried, 1 failed for good\n  flaky ");
    }

    [Fact]
    public async Task RunJobs_JobsEnqueueEachOtherForever_StopsAtTheBound()
    {
        await using JobQueueTestHarness harness = Harness.Create(options: o => o.MaxAttempts = 25);
        await harness.Jobs.EnqueueAsync(new Echo(1));

        Func<Task> run = async () => await harness.RunJobsAsync();

        (await run.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().StartWith(
            "the harness stopped after 25 attempts (JobQueueTestingOptions.MaxAttempts) with jobs still due, such as echo: " +
            "do jobs enqueue each other without end? So far: 25 attempts from 2026-01-01 00:00:00Z to 2026-01-01 00:00:00Z: 25 succeeded");
        // The job it stopped at was handed back, not left leased.
        (await harness.GetJobsAsync(JobState.Running)).Should().BeEmpty();
        await harness.AssertEnqueuedAsync<Echo>(e => e.Generation == 26);
    }

    [Fact]
    public async Task RunJobs_HandlerWaitsOnTheFakeClock_ThrowsAfterTheAttemptTimeoutInsteadOfHanging()
    {
        await using JobQueueTestHarness harness = Harness.Create(options: o => o.AttemptTimeout = TimeSpan.FromMilliseconds(200));
        await harness.Jobs.EnqueueAsync(new WaitAnHour());

        Func<Task> run = async () => await harness.RunJobsAsync();

        (await run.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().Match(
            "job * (wait-an-hour {}) attempt 1 did not end within 00:00:00.2000000 of real time (JobQueueTestingOptions.AttemptTimeout). " +
            "A handler that waits on the fake clock*");
    }

    [Fact]
    public async Task RunJobs_DueJobWithoutAHandler_ThrowsNamingItAndHandsItBack()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        DateTimeOffset now = harness.Clock.GetUtcNow();
        var orphan = new NewJob
        {
            Id = new JobId(Guid.CreateVersion7()), Name = "renamed-job", Queue = "default", Arguments = "{}"u8.ToArray(),
            MaxAttempts = 3, Timeout = TimeSpan.FromMinutes(1), RetryDelay = TimeSpan.FromSeconds(1), RunAt = now,
        };
        await harness.Services.GetRequiredService<IJobStorage>().EnqueueAsync(new EnqueueRequest { Jobs = [orphan], Now = now }, CancellationToken.None);

        Func<Task> run = async () => await harness.RunJobsAsync();

        (await run.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().Be(
            $"job {orphan.Id} (renamed-job, queue default) is due but no handler is registered for 'renamed-job': call q.AddJob<YourJob>() for it.");
        JobInfo job = (await harness.Jobs.GetAsync(orphan.Id))!;
        job.State.Should().Be(JobState.Enqueued);
        job.Attempt.Should().Be(0);
    }

    [Fact]
    public async Task RunJobs_DelayedJob_WaitsForTheClock()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new SendWelcome("later@b.c"), new EnqueueOptions { Delay = TimeSpan.FromMinutes(30) });

        JobRunReport report = await harness.RunJobsAsync();

        report.Attempts.Should().BeEmpty();
        await harness.AssertEnqueuedAsync<SendWelcome>();
    }

    [Fact]
    public async Task AdvanceTime_PastDelayedJobs_RunsEachAtItsOwnTime()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        DateTimeOffset start = harness.Clock.GetUtcNow();
        await harness.Jobs.EnqueueAsync(new SendWelcome("in-20@b.c"), new EnqueueOptions { Delay = TimeSpan.FromMinutes(20) });
        await harness.Jobs.EnqueueAsync(new SendWelcome("in-10@b.c"), new EnqueueOptions { Delay = TimeSpan.FromMinutes(10) });
        await harness.Jobs.EnqueueAsync(new SendWelcome("in-90@b.c"), new EnqueueOptions { Delay = TimeSpan.FromMinutes(90) });

        JobRunReport report = await harness.AdvanceTimeAsync(TimeSpan.FromHours(1));

        harness.Outbox().Sent.Should().Equal(("in-10@b.c", start.AddMinutes(10)), ("in-20@b.c", start.AddMinutes(20)));
        report.EndedAt.Should().Be(start.AddHours(1));
        harness.Clock.GetUtcNow().Should().Be(start.AddHours(1));
        await harness.AssertEnqueuedAsync<SendWelcome>(e => e.Email == "in-90@b.c", runAt: start.AddMinutes(90));
    }

    [Fact]
    public async Task AdvanceTime_RecurringJob_RunsEveryOccurrenceOnTheWay()
    {
        await using JobQueueTestHarness harness = Harness.Create(q => q.AddRecurringJob("hourly-report", "0 * * * *", new HourlyReport()));
        DateTimeOffset start = harness.Clock.GetUtcNow();

        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(59));
        harness.Outbox().Sent.Should().BeEmpty();
        JobRunReport report = await harness.AdvanceTimeAsync(TimeSpan.FromHours(3));

        report.Succeeded.Should().Be(3);
        harness.Outbox().Sent.Select(s => s.At).Should().Equal(start.AddHours(1), start.AddHours(2), start.AddHours(3));
    }

    [Fact]
    public async Task AdvanceTime_RetryDueAfterTheTarget_StaysScheduled()
    {
        await using JobQueueTestHarness harness = Harness.Create(q => q.AddJob<RetryTimesJob>(j => j.RetryDelay = TimeSpan.FromMinutes(5)));
        await harness.Jobs.EnqueueAsync(new RetryTimes(Failures: 1));

        JobRunReport report = await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(1));

        report.Attempts.Should().ContainSingle().Which.State.Should().Be(JobState.Scheduled);
        report = await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(10));
        report.Attempts.Should().ContainSingle().Which.State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task AdvanceTimeTo_ThePast_Throws()
    {
        await using JobQueueTestHarness harness = Harness.Create();

        Func<Task> back = async () => await harness.AdvanceTimeToAsync(harness.Clock.GetUtcNow().AddSeconds(-1));

        (await back.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.Message.Should().StartWith(
            "AdvanceTimeToAsync(2025-12-31 23:59:59Z) is before the clock's time 2026-01-01 00:00:00Z; time only moves forward.");
    }

    [Fact]
    public async Task RunJobs_Batch_RunsTheChildrenThenTheSuccessCallback()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        BatchId batch = await harness.Jobs.StartBatchAsync(b =>
        {
            b.Enqueue(new RenderTicket(1));
            b.Enqueue(new RenderTicket(2));
            b.OnSuccess(new Dispatch("order-1"));
            b.OnFailure(new Refund("order-1"));
        });

        JobRunReport report = await harness.RunJobsAsync();

        report.Attempts.Select(a => a.Job.Name).Should().StartWith(["render-ticket", "render-ticket"]).And.Contain("dispatch").And.NotContain("refund");
        harness.Outbox().Sent.Select(s => s.Email).Should().Contain("dispatch order-1").And.NotContain("refund order-1");
        BatchInfo info = (await harness.GetBatchAsync(batch))!;
        info.State.Should().Be(BatchState.Succeeded);
        info.Succeeded.Should().Be(2);
    }

    [Fact]
    public async Task RunJobs_BatchChildFailsForGood_RunsTheFailureCallback()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        BatchId batch = await harness.Jobs.StartBatchAsync(b =>
        {
            b.Enqueue(new RenderTicket(1));
            b.Enqueue(new Flaky(Failures: 10));
            b.OnSuccess(new Dispatch("order-2"));
            b.OnFailure(new Refund("order-2"));
        });

        await harness.RunJobsAsync(allowFailures: true);

        harness.Outbox().Sent.Select(s => s.Email).Should().Contain("refund order-2").And.NotContain("dispatch order-2");
        (await harness.GetBatchAsync(batch))!.State.Should().Be(BatchState.Failed);
    }
}

[JobName("retry-times")]
public sealed record RetryTimes(int Failures);

public sealed class RetryTimesJob : IJob<RetryTimes>
{
    public Task ExecuteAsync(RetryTimes args, JobContext context, CancellationToken cancellationToken)
        => context.Attempt <= args.Failures ? throw new InvalidOperationException($"attempt {context.Attempt} fails") : Task.CompletedTask;
}
