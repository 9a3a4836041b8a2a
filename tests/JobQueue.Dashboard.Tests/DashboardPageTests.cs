using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Dashboard.Tests;

public sealed partial class DashboardPageTests
{
    [Fact]
    public async Task EveryPage_WithData_ShowsIt()
    {
        await using DashboardApp app = await DashboardApp.StartAsync();
        var seeded = await DashboardPages.SeedAsync(app);

        string overview = await app.GetPageAsync("/jobs/");
        overview.Should().Contain("data-live-state=\"Succeeded\"").And.Contain("<rect class=\"ok\"").And.Contain("data-queue=\"default\"");
        Regex.IsMatch(overview, "<rect class=\"ok\" [^>]*height=\"(?!0\")").Should().BeTrue("a bar of the chart has height: attempts ended this minute");

        (await app.GetPageAsync("/jobs/queues")).Should().Contain(">default</a>").And.Contain("Pause");

        string jobs = await app.GetPageAsync("/jobs/jobs");
        jobs.Should().Contain(seeded.Failed.Id.ToString()).And.Contain("dash-fail").And.Contain("matching job(s)");

        string failed = await app.GetPageAsync($"/jobs/jobs/{seeded.Failed.Id}");
        failed.Should().Contain("PermanentJobFailureException").And.Contain("at JobQueue.Dashboard.Tests.FailJob")
            .And.Contain("&quot;message&quot;: &quot;hello&quot;", "arguments are formatted JSON").And.Contain("No log lines recorded.")
            .And.Contain("Retry");

        string succeeded = await app.GetPageAsync($"/jobs/jobs/{seeded.Succeeded.Id}");
        succeeded.Should().Contain("<progress max=\"100\" value=\"100\"").And.Contain("last reported: 100 %").And.Contain("result: hello").And.Contain("Waited").And.Contain("Ran")
            .And.Contain("Attempt 1").And.Contain("logged: hello", "what the handler logged is kept with its attempt");

        string batch = await app.GetPageAsync($"/jobs/batches/{seeded.Batch}");
        batch.Should().Contain("of 1 done").And.Contain("On success").And.Contain("Awaiting");

        string recurring = await app.GetPageAsync("/jobs/recurring");
        recurring.Should().Contain("0 3 * * *").And.Contain("Europe/Berlin").And.Contain("Trigger now");

        string hosts = await app.GetPageAsync("/jobs/hosts");
        hosts.Should().Contain(Environment.MachineName).And.Contain("Alive").And.Contain("default: ");
    }

    [Fact]
    public async Task Overview_OverSqlite_Renders()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(sqlite: true);
        var seeded = await DashboardPages.SeedAsync(app);

        foreach (string page in seeded.Pages)
        {
            await app.GetPageAsync(page);
        }
    }

    [Fact]
    public async Task Prefix_WithoutSlash_RedirectsRelativelyToTheOverview()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);

        HttpResponseMessage response = await app.GetAsync("/jobs");

        response.StatusCode.Should().Be(HttpStatusCode.Found);
        response.Headers.Location!.OriginalString.Should().Be("jobs/");
    }

    [Fact]
    public async Task JobList_PageSizeAboveTheCap_IsCut()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(o => o.MaxPageSize = o.PageSize = 2, worker: false);
        for (int i = 0; i < 3; i++)
        {
            await app.Jobs.EnqueueAsync(new Succeed("x" + i));
        }

        string html = await app.GetPageAsync("/jobs/jobs?size=100000");
        HttpResponseMessage api = await app.GetAsync("/jobs/api/jobs?size=100000");

        JobRows().Matches(html).Count.Should().Be(2);
        html.Should().Contain("Older jobs");
        (await api.Content.ReadAsStringAsync()).Should().Contain("\"continuation\":\"");
    }

    [Fact]
    public async Task Queues_JobsWaitInAQueueNoLiveHostServes_MarkedOnTheQueuesPageTheOverviewAndItsApi()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        await app.Jobs.EnqueueAsync(new Succeed("orphan"), new EnqueueOptions { Queue = "emails" });

        string queues = await app.GetPageAsync("/jobs/queues");
        string overview = await app.GetPageAsync("/jobs/");
        JsonElement api = await GetJsonAsync(app, "/jobs/api/overview");

        QueueRow(queues, "emails").Should().Contain("<span class=\"badge unserved\"").And.Contain("no host serves this queue");
        QueueRow(overview, "emails").Should().Contain("<span class=\"badge unserved\"").And.Contain("no host serves this queue");
        JsonElement emails = api.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("name").GetString() == "emails");
        emails.GetProperty("unserved").GetBoolean().Should().BeTrue();
        emails.GetProperty("hosts").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task Queues_JobsWaitInAQueueALiveHostServes_NotMarked()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        // Another process's worker host, as its heartbeat in the store's host registry says.
        await app.Services.GetRequiredService<IJobStorage>().RecordHeartbeatAsync(
            Heartbeats.Serving("worker-process", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), "emails"), CancellationToken.None);
        await app.Jobs.EnqueueAsync(new Succeed("served elsewhere"), new EnqueueOptions { Queue = "emails" });

        string queues = await app.GetPageAsync("/jobs/queues");
        string overview = await app.GetPageAsync("/jobs/");
        JsonElement api = await GetJsonAsync(app, "/jobs/api/overview");

        QueueRow(queues, "emails").Should().NotContain("no host serves this queue");
        QueueRow(overview, "emails").Should().NotContain("no host serves this queue");
        JsonElement emails = api.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("name").GetString() == "emails");
        emails.GetProperty("unserved").GetBoolean().Should().BeFalse();
        emails.GetProperty("hosts").GetInt32().Should().Be(1);
        emails.GetProperty("enqueued").GetInt64().Should().Be(1, "a job waits: only the host keeps the mark away");
    }

    /// <summary>The table row of a queue on the queues page or the overview.</summary>
    private static string QueueRow(string html, string queue)
    {
        Match row = Regex.Match(html, "<tr[^>]*>(?:(?!</tr>).)*>" + Regex.Escape(queue) + "</a>(?:(?!</tr>).)*</tr>", RegexOptions.Singleline);
        row.Success.Should().BeTrue($"the page lists queue '{queue}'");
        return row.Value;
    }

    private static async Task<JsonElement> GetJsonAsync(DashboardApp app, string path)
    {
        HttpResponseMessage response = await app.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    [GeneratedRegex("<tr><td><input type=\"checkbox\" name=\"id\"")]
    private static partial Regex JobRows();
}
