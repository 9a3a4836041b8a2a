namespace JobQueue.Testing.Tests;

public sealed class JobQueueTestHarnessEnqueuedTests
{
    [Fact]
    public async Task AssertEnqueued_OneMatch_ReturnsItsArgumentsAndStatus()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new SendWelcome("a@b.c"), new EnqueueOptions { Queue = "email" });
        await harness.Jobs.EnqueueAsync(new SendWelcome("x@y.z"));

        EnqueuedJob<SendWelcome> job = await harness.AssertEnqueuedAsync<SendWelcome>(e => e.Email == "a@b.c");

        job.Args.Should().Be(new SendWelcome("a@b.c"));
        job.Info.Queue.Should().Be("email");
        job.Info.State.Should().Be(JobState.Enqueued);
        job.Info.RunAt.Should().Be(harness.Clock.GetUtcNow());
    }

    [Fact]
    public async Task AssertEnqueued_TwoMatches_ThrowsListingEveryWaitingJob()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new SendWelcome("a@b.c"));
        await harness.Jobs.EnqueueAsync(new SendWelcome("a@b.c"), new EnqueueOptions { Queue = "email", Delay = TimeSpan.FromMinutes(5) });

        Func<Task> assert = async () => await harness.AssertEnqueuedAsync<SendWelcome>(e => e.Email == "a@b.c");

        (await assert.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().Be(
            """
            expected one SendWelcome (send-welcome) where e => e.Email == "a@b.c"; found 2; enqueued: 2 jobs:
              send-welcome {"email":"a@b.c"} (queue default, Enqueued, run at 2026-01-01 00:00:00Z)
              send-welcome {"email":"a@b.c"} (queue email, Scheduled, run at 2026-01-01 00:05:00Z)
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AssertEnqueued_NoMatch_ThrowsNamingTheFiltersAndListingWhatWasEnqueued()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new SendWelcome("x@y.z"));

        Func<Task> assert = async () => await harness.AssertEnqueuedAsync<SendWelcome>(queue: "email");

        (await assert.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().Be(
            """
            expected one SendWelcome (send-welcome) in queue "email"; found 0; enqueued: 1 job:
              send-welcome {"email":"x@y.z"} (queue default, Enqueued, run at 2026-01-01 00:00:00Z)
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AssertEnqueued_NothingEnqueued_SaysNoJobs()
    {
        await using JobQueueTestHarness harness = Harness.Create();

        Func<Task> assert = async () => await harness.AssertEnqueuedAsync<SendWelcome>();

        (await assert.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().Be(
            "expected one SendWelcome (send-welcome); found 0; enqueued: no jobs");
    }

    [Fact]
    public async Task AssertEnqueued_ByRunTime_MatchesTheDelayedJobOnly()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        DateTimeOffset inAnHour = harness.Clock.GetUtcNow().AddHours(1);
        await harness.Jobs.EnqueueAsync(new SendWelcome("now@b.c"));
        await harness.Jobs.EnqueueAsync(new SendWelcome("later@b.c"), new EnqueueOptions { RunAt = inAnHour });

        EnqueuedJob<SendWelcome> job = await harness.AssertEnqueuedAsync<SendWelcome>(runAt: inAnHour);

        job.Args.Email.Should().Be("later@b.c");
        job.Info.State.Should().Be(JobState.Scheduled);
        Func<Task> wrongTime = async () => await harness.AssertEnqueuedAsync<SendWelcome>(runAt: inAnHour.AddMinutes(1));
        (await wrongTime.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().StartWith(
            "expected one SendWelcome (send-welcome) due at 2026-01-01 01:01:00Z; found 0; enqueued: 2 jobs:");
    }

    [Fact]
    public async Task AssertEnqueuedCount_BatchChildren_CountsThoseOfTheBatch()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new RenderTicket(99));
        BatchId batch = await harness.Jobs.StartBatchAsync(b =>
        {
            b.Enqueue(new RenderTicket(1));
            b.Enqueue(new RenderTicket(2));
            b.OnSuccess(new Dispatch("order-1"));
        });

        IReadOnlyList<EnqueuedJob<RenderTicket>> children = await harness.AssertEnqueuedCountAsync<RenderTicket>(2, batchId: batch);

        children.Select(c => c.Args.Seat).Should().Equal(1, 2);
        await harness.AssertEnqueuedCountAsync<RenderTicket>(3);
        await harness.AssertNotEnqueuedAsync<Dispatch>(); // Awaiting its batch, not enqueued.
        Func<Task> wrong = async () => await harness.AssertEnqueuedCountAsync<RenderTicket>(3, t => t.Seat > 1);
        (await wrong.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().StartWith(
            "expected 3 RenderTicket (render-ticket) where t => t.Seat > 1; found 2; enqueued: 3 jobs:\n  render-ticket {\"seat\":99} (queue default, Enqueued");
    }

    [Fact]
    public async Task AssertNotEnqueued_AMatch_ThrowsListingTheMatches()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new SendWelcome("a@b.c"));
        await harness.Jobs.EnqueueAsync(new SendWelcome("x@y.z"));

        Func<Task> assert = async () => await harness.AssertNotEnqueuedAsync<SendWelcome>(e => e.Email.EndsWith(".c", StringComparison.Ordinal));

        (await assert.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().Be(
            """
            expected no SendWelcome (send-welcome) where e => e.Email.EndsWith(".c", StringComparison.Ordinal); found 1 job:
              send-welcome {"email":"a@b.c"} (queue default, Enqueued, run at 2026-01-01 00:00:00Z)
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AssertEnqueued_AfterTheJobRan_NoLongerFindsIt()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new SendWelcome("a@b.c"));

        await harness.RunJobsAsync();

        await harness.AssertNotEnqueuedAsync<SendWelcome>();
        IReadOnlyList<JobInfo> all = await harness.GetJobsAsync();
        all.Should().ContainSingle().Which.State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task AssertEnqueued_TheJobRanAlready_SaysSoInTheMessage()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        await harness.Jobs.EnqueueAsync(new SendWelcome("a@b.c"));
        await harness.RunJobsAsync();
        await harness.Jobs.EnqueueAsync(new Flaky(0));

        Func<Task> assert = async () => await harness.AssertEnqueuedAsync<SendWelcome>();

        (await assert.Should().ThrowAsync<JobQueueTestException>()).Which.Message.Should().Be(
            """
            expected one SendWelcome (send-welcome); found 0; enqueued: 1 job:
              flaky {"failures":0} (queue default, Enqueued, run at 2026-01-01 00:00:00Z)
            not waiting to run (ran already, running, or awaiting a batch): 1 job:
              send-welcome {"email":"a@b.c"} (queue default, Succeeded, attempt 1 of 10)
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task GetJobs_SeveralJobs_ListsThemOldestFirst()
    {
        await using JobQueueTestHarness harness = Harness.Create();
        JobId first = await harness.Jobs.EnqueueAsync(new SendWelcome("1@b.c"));
        JobId second = await harness.Jobs.EnqueueAsync(new Flaky(0));
        JobId third = await harness.Jobs.EnqueueAsync(new SendWelcome("3@b.c"));

        IReadOnlyList<JobInfo> jobs = await harness.GetJobsAsync();
        IReadOnlyList<EnqueuedJob<SendWelcome>> welcomes = await harness.GetEnqueuedAsync<SendWelcome>();

        jobs.Select(j => j.Id).Should().Equal(first, second, third);
        welcomes.Select(w => w.Info.Id).Should().Equal(first, third);
        welcomes[0].ToString().Should().Be("send-welcome {\"email\":\"1@b.c\"} (queue default, Enqueued, run at 2026-01-01 00:00:00Z)");
    }
}
