using System.Net;
using JobQueue.TestSupport;

namespace JobQueue.Dashboard.Tests;

public sealed class DashboardActionTests
{
    [Fact]
    public async Task RetryCancelDelete_OneJob_Work()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        JobId scheduled = await app.Jobs.EnqueueAsync(new Succeed("later"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });

        HttpResponseMessage cancel = await app.PostAsync($"/jobs/jobs/{scheduled}/cancel");
        JobState afterCancel = (await app.Jobs.GetAsync(scheduled))!.State;
        HttpResponseMessage retry = await app.PostAsync($"/jobs/jobs/{scheduled}/retry");
        JobState afterRetry = (await app.Jobs.GetAsync(scheduled))!.State;
        await app.PostAsync($"/jobs/jobs/{scheduled}/cancel");
        HttpResponseMessage delete = await app.PostAsync($"/jobs/jobs/{scheduled}/delete");

        cancel.StatusCode.Should().Be(HttpStatusCode.SeeOther);
        cancel.Headers.Location!.OriginalString.Should().Be($"../../jobs/{scheduled}?done=cancelled");
        afterCancel.Should().Be(JobState.Cancelled);
        retry.Headers.Location!.OriginalString.Should().EndWith("?done=retried");
        afterRetry.Should().Be(JobState.Enqueued);
        delete.Headers.Location!.OriginalString.Should().Be("../../jobs?done=deleted");
        (await app.Jobs.GetAsync(scheduled)).Should().BeNull();
    }

    [Fact]
    public async Task Retry_ARunningOrScheduledJob_IsRefusedWithANotice()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        JobId scheduled = await app.Jobs.EnqueueAsync(new Succeed("later"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });

        HttpResponseMessage response = await app.PostAsync($"/jobs/jobs/{scheduled}/retry");
        string page = await app.GetPageAsync($"/jobs/jobs/{scheduled}?done=refused&count=1");

        response.Headers.Location!.OriginalString.Should().EndWith("?done=refused");
        page.Should().Contain("were refused");
        (await app.Jobs.GetAsync(scheduled))!.State.Should().Be(JobState.Scheduled);
    }

    [Fact]
    public async Task Selected_RetriesTheChosenJobsOnly()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        JobId[] ids = [.. await app.Jobs.EnqueueManyAsync(Enumerable.Range(0, 3).Select(i => new Succeed("s" + i)), new EnqueueOptions { Delay = TimeSpan.FromHours(1) })];

        HttpResponseMessage response = await app.PostAsync("/jobs/jobs/selected",
            [new("action", "cancel"), new("id", ids[0].ToString()), new("id", ids[2].ToString())]);

        response.Headers.Location!.OriginalString.Should().Be("../jobs?done=cancelled&count=2");
        (await app.Jobs.GetAsync(ids[0]))!.State.Should().Be(JobState.Cancelled);
        (await app.Jobs.GetAsync(ids[1]))!.State.Should().Be(JobState.Scheduled);
        (await app.Jobs.GetAsync(ids[2]))!.State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task Bulk_PreviewCountsTheMatchesAndTheRunStopsAtTheCap()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(o => o.MaxBulkJobs = 3);
        for (int i = 0; i < 5; i++)
        {
            await app.EnqueueAndFinishAsync(new Fail("f" + i), new EnqueueOptions { Queue = "imports" });
        }

        await app.EnqueueAndFinishAsync(new Fail("other queue"));
        await app.Admin.PauseQueueAsync("imports");

        string preview = await app.GetPageAsync("/jobs/jobs/bulk?action=retry&queue=imports");
        HttpResponseMessage response = await app.PostAsync("/jobs/jobs/bulk", [new("action", "retry"), new("queue", "imports")]);
        JobPage stillFailed = await app.Admin.QueryJobsAsync(new JobFilter { Queue = "imports", State = JobState.Failed });
        JobPage retried = await app.Admin.QueryJobsAsync(new JobFilter { Queue = "imports", State = JobState.Enqueued });

        preview.Should().Contain("<span class=\"preview-count\">5</span>").And.Contain("Only the newest 3").And.Contain("Retry 3 job(s)");
        response.Headers.Location!.OriginalString.Should().Be("../jobs?done=retried&count=3");
        retried.Total.Should().Be(3);
        stillFailed.Total.Should().Be(2);
        (await app.Admin.QueryJobsAsync(new JobFilter { Queue = "default", State = JobState.Failed })).Total.Should().Be(1, "other queues are not touched");
    }

    [Fact]
    public async Task Bulk_CancelAndDelete_ActOnTheFilter()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        await app.Jobs.EnqueueManyAsync(Enumerable.Range(0, 4).Select(i => new Succeed("s" + i)), new EnqueueOptions { Queue = "reports", Delay = TimeSpan.FromHours(1) });
        JobId other = await app.Jobs.EnqueueAsync(new Succeed("other"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });

        string preview = await app.GetPageAsync("/jobs/jobs/bulk?action=cancel&queue=reports");
        HttpResponseMessage cancel = await app.PostAsync("/jobs/jobs/bulk", [new("action", "cancel"), new("queue", "reports")]);
        HttpResponseMessage delete = await app.PostAsync("/jobs/jobs/bulk", [new("action", "delete"), new("queue", "reports"), new("state", "Cancelled")]);

        preview.Should().Contain("<span class=\"preview-count\">4</span>");
        cancel.Headers.Location!.OriginalString.Should().EndWith("done=cancelled&count=4");
        delete.Headers.Location!.OriginalString.Should().EndWith("done=deleted&count=4");
        (await app.Admin.QueryJobsAsync(new JobFilter { Queue = "reports" })).Total.Should().Be(0);
        (await app.Jobs.GetAsync(other))!.State.Should().Be(JobState.Scheduled);
    }

    [Fact]
    public async Task Bulk_OnABatch_RetriesItsFailedChildrenOnly()
    {
        await using DashboardApp app = await DashboardApp.StartAsync();
        BatchId batch = await app.Jobs.StartBatchAsync(b =>
        {
            b.Enqueue(new Fail("child"));
            b.Enqueue(new Succeed("child"));
        });
        JobInfo outside = await app.EnqueueAndFinishAsync(new Fail("outside"));
        await Deadline.Within(WaitForBatchAsync(app, batch), "the batch finishes");
        await app.Admin.PauseQueueAsync("default");

        string list = await app.GetPageAsync($"/jobs/jobs?batch={batch}&state=Failed");
        string preview = await app.GetPageAsync($"/jobs/jobs/bulk?action=retry&batch={batch}");
        HttpResponseMessage response = await app.PostAsync("/jobs/jobs/bulk", [new("action", "retry"), new("batch", batch.ToString())]);

        list.Should().Contain("<span class=\"total\">1</span>").And.NotContain(outside.Id.ToString());
        preview.Should().Contain("<span class=\"preview-count\">1</span>");
        response.Headers.Location!.OriginalString.Should().EndWith("done=retried&count=1");
        (await app.Jobs.GetAsync(outside.Id))!.State.Should().Be(JobState.Failed);
    }

    private static async Task<BatchInfo> WaitForBatchAsync(DashboardApp app, BatchId id)
    {
        // A batch has no completion signal of its own here; its last child's completion is awaited instead.
        JobPage children = await app.Admin.QueryJobsAsync(new JobFilter { BatchId = id });
        foreach (JobInfo child in children.Jobs)
        {
            await app.Jobs.WaitForCompletionAsync(child.Id);
        }

        return (await app.Jobs.GetBatchAsync(id))!;
    }

    [Fact]
    public async Task Queue_PauseAndResume_Work()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);

        HttpResponseMessage pause = await app.PostAsync("/jobs/queues/pause", [new("queue", "emails")]);
        bool paused = (await app.Admin.GetQueuesAsync()).Single(q => q.Name == "emails").Paused;
        string page = await app.GetPageAsync("/jobs/queues");
        HttpResponseMessage resume = await app.PostAsync("/jobs/queues/resume", [new("queue", "emails")]);

        pause.StatusCode.Should().Be(HttpStatusCode.SeeOther);
        paused.Should().BeTrue();
        page.Should().Contain("paused since").And.Contain("Resume");
        resume.StatusCode.Should().Be(HttpStatusCode.SeeOther);
        (await app.Admin.GetQueuesAsync()).Should().NotContain(q => q.Name == "emails" && q.Paused);
    }

    [Fact]
    public async Task Recurring_TriggerPauseResumeDelete_Work()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        await app.Recurring.AddOrUpdateAsync("nightly", "0 3 * * *", new Succeed("n"));

        HttpResponseMessage trigger = await app.PostAsync("/jobs/recurring/action", [new("id", "nightly"), new("action", "trigger")]);
        JobPage triggered = await app.Admin.QueryJobsAsync(new JobFilter { Name = "dash-ok" });
        await app.PostAsync("/jobs/recurring/action", [new("id", "nightly"), new("action", "pause")]);
        bool paused = (await app.Recurring.ListAsync()).Single().Paused;
        await app.PostAsync("/jobs/recurring/action", [new("id", "nightly"), new("action", "resume")]);
        bool resumed = !(await app.Recurring.ListAsync()).Single().Paused;
        HttpResponseMessage delete = await app.PostAsync("/jobs/recurring/action", [new("id", "nightly"), new("action", "delete")]);

        trigger.Headers.Location!.OriginalString.Should().Be("../recurring?done=triggered");
        triggered.Total.Should().Be(1);
        paused.Should().BeTrue();
        resumed.Should().BeTrue();
        delete.StatusCode.Should().Be(HttpStatusCode.SeeOther);
        (await app.Recurring.ListAsync()).Should().BeEmpty();
    }
}
