using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Testing.Tests;

public sealed class JobQueueTestHarnessHandlerTests
{
    [Fact]
    public async Task RunJob_HandlerWithAResult_GetsARealContextAndReturnsTheStoredResult()
    {
        await using JobQueueTestHarness harness = Harness.Create();

        JobInfo job = await harness.RunJobAsync(new RenderTicket(7));

        job.State.Should().Be(JobState.Succeeded);
        job.Attempt.Should().Be(1);
        job.GetResult<string>().Should().Be($"{job.Id}/seat-7.pdf", "the handler saw its own job id in the context");
        job.Progress.Should().Be(new JobProgress(50, "half drawn"));
        await harness.AssertEnqueuedAsync<SendWelcome>(e => e.Email == "seat-7@shop.example");
        IReadOnlyList<JobLogAttempt> log = await harness.Services.GetRequiredService<IJobAdmin>().GetJobLogAsync(job.Id);
        log.Should().ContainSingle().Which.Lines.Should().ContainSingle().Which.Message.Should().Be("Seat 7 drawn on attempt 1");
    }

    [Fact]
    public async Task RunJob_OtherJobsDueInItsQueue_RunsOnlyThisOneAndLeavesTheOthersAsTheyWere()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        JobId other = await harness.Jobs.EnqueueAsync(new SendWelcome("first@b.c"), new EnqueueOptions { Priority = 5 });

        JobInfo job = await harness.RunJobAsync(new SendWelcome("direct@b.c"));

        job.State.Should().Be(JobState.Succeeded);
        harness.Outbox().Sent.Select(s => s.Email).Should().Equal("direct@b.c");
        JobInfo untouched = (await harness.Jobs.GetAsync(other))!;
        untouched.State.Should().Be(JobState.Enqueued);
        untouched.Attempt.Should().Be(0);
    }

    [Fact]
    public async Task RunJob_HandlerThrows_ReturnsTheJobScheduledForRetryWithItsError()
    {
        await using JobQueueTestHarness harness = Harness.Create();

        JobInfo job = await harness.RunJobAsync(new Flaky(Failures: 1));

        job.State.Should().Be(JobState.Scheduled);
        job.Error!.Message.Should().Be("the partner answered 503 on attempt 1");
        job.RunAt.Should().BeAfter(harness.Clock.GetUtcNow());
    }

    [Fact]
    public async Task RunJob_TimeoutPassesOnTheFakeClock_CancelsTheHandlerAndFailsTheAttempt()
    {
        await using JobQueueTestHarness harness = Harness.Create();

        ValueTask<JobInfo> running = harness.RunJobAsync(new WaitAnHour(), new EnqueueOptions { Timeout = TimeSpan.FromMinutes(1), MaxAttempts = 1 });
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        JobInfo job = await running;

        job.State.Should().Be(JobState.Failed);
        job.Error!.Type.Should().Be(typeof(TimeoutException).FullName);
    }

    [Fact]
    public async Task RunJobs_JobCancelledWhileItsHandlerRuns_CancelsTheHandlersToken()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        JobId id = await harness.Jobs.EnqueueAsync(new WaitAnHour());

        ValueTask<JobRunReport> running = harness.RunJobsAsync();
        bool cancelled = await harness.Jobs.CancelAsync(id);
        JobRunReport report = await running;

        cancelled.Should().BeTrue();
        report.Attempts.Should().ContainSingle().Which.State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task RunJob_Delayed_Throws()
    {
        await using JobQueueTestHarness harness = Harness.Create();

        Func<Task> run = async () => await harness.RunJobAsync(new SendWelcome("a@b.c"), new EnqueueOptions { Delay = TimeSpan.FromMinutes(1) });

        (await run.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().StartWith("RunJobAsync runs the job now");
    }
}
