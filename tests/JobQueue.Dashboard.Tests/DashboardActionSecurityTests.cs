using System.Net;

namespace JobQueue.Dashboard.Tests;

public sealed class DashboardActionSecurityTests
{
    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IsRefusedAndChangesNothing()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        JobId id = await app.Jobs.EnqueueAsync(new Succeed("x"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });

        HttpResponseMessage response = await app.PostAsync($"/jobs/jobs/{id}/cancel", withToken: false);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("antiforgery token");
        (await app.Jobs.GetAsync(id))!.State.Should().Be(JobState.Scheduled);
    }

    [Fact]
    public async Task Post_WithAForgedToken_IsRefused()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        await app.GetPageAsync("/jobs/jobs");

        HttpResponseMessage response = await app.Http.PostAsync("/jobs/queues/pause",
            new FormUrlEncodedContent([new("queue", "default"), new("__RequestVerificationToken", "forged")]));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await app.Admin.GetQueuesAsync()).Should().NotContain(q => q.Paused);
    }

    [Fact]
    public async Task ReadOnly_HidesEveryActionAndRefusesThem()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(o => o.ReadOnly = true);
        JobInfo failed = await app.EnqueueAndFinishAsync(new Fail("boom"));
        await app.Recurring.AddOrUpdateAsync("nightly", "0 3 * * *", new Succeed("n"));

        foreach (string page in new[] { "/jobs/", "/jobs/queues", "/jobs/jobs", $"/jobs/jobs/{failed.Id}", "/jobs/recurring", "/jobs/hosts" })
        {
            string html = await app.GetPageAsync(page);
            html.Should().NotContain("method=\"post\"", page);
            html.Should().NotContain("__RequestVerificationToken", page);
        }

        foreach (string action in new[] { $"/jobs/jobs/{failed.Id}/retry", "/jobs/jobs/selected", "/jobs/jobs/bulk", "/jobs/queues/pause", "/jobs/recurring/action" })
        {
            HttpResponseMessage response = await app.PostAsync(action, [new("queue", "default"), new("id", failed.Id.ToString()), new("action", "retry")], withToken: false);
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, action);
        }

        (await app.Jobs.GetAsync(failed.Id))!.State.Should().Be(JobState.Failed);
    }
}
