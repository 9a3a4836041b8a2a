using System.Net;
using System.Text.Json;
using JobQueue.TestSupport;

namespace JobQueue.Dashboard.Tests;

public sealed class DashboardApiTests
{
    [Fact]
    public async Task Api_ReturnsWhatThePagesShow()
    {
        await using DashboardApp app = await DashboardApp.StartAsync();
        var seeded = await DashboardPages.SeedAsync(app);

        JsonElement queues = await GetJsonAsync(app, "/jobs/api/queues");
        JsonElement jobs = await GetJsonAsync(app, "/jobs/api/jobs?state=Failed");
        JsonElement job = await GetJsonAsync(app, $"/jobs/api/jobs/{seeded.Failed.Id}");
        JsonElement batch = await GetJsonAsync(app, $"/jobs/api/batches/{seeded.Batch}");
        JsonElement hosts = await GetJsonAsync(app, "/jobs/api/hosts");
        JsonElement throughput = await GetJsonAsync(app, "/jobs/api/throughput?range=day");
        JsonElement recurring = await GetJsonAsync(app, "/jobs/api/recurring");
        JsonElement overview = await GetJsonAsync(app, "/jobs/api/overview");
        JsonElement capacity = await GetJsonAsync(app, "/jobs/api/capacity");

        queues.EnumerateArray().Single(q => q.GetProperty("name").GetString() == "default").GetProperty("failed").GetInt64().Should().Be(1);
        jobs.GetProperty("total").GetInt64().Should().Be(1);
        jobs.GetProperty("jobs")[0].GetProperty("state").GetString().Should().Be("Failed");
        job.GetProperty("arguments").GetProperty("message").GetString().Should().Be("hello");
        job.GetProperty("errors")[0].GetProperty("type").GetString().Should().Contain("PermanentJobFailureException");
        batch.GetProperty("total").GetInt32().Should().Be(1);
        hosts[0].GetProperty("status").GetString().Should().Be("Alive");
        throughput.EnumerateArray().Sum(p => p.GetProperty("succeeded").GetInt64()).Should().BeGreaterThanOrEqualTo(1);
        recurring[0].GetProperty("cron").GetString().Should().Be("0 3 * * *");
        overview.GetProperty("states").GetProperty("Failed").GetInt64().Should().Be(1);
        overview.GetProperty("lastHour").GetArrayLength().Should().Be(60);
        overview.GetProperty("lastDay").GetArrayLength().Should().Be(144);
        capacity.EnumerateArray().Single(e => e.GetProperty("queue").GetString() == "default").GetProperty("summary").GetString()
            .Should().StartWith("default: ");
    }

    [Fact]
    public async Task WaitingJob_PageAndApiSayWhyItWaitsAndShowItsLimitKey()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        await app.Admin.PauseQueueAsync("imports");
        JobId id = await app.Jobs.EnqueueAsync(new Succeed("held"), new EnqueueOptions { Queue = "imports", LimitKey = "customer-<7>" });

        string page = await app.GetPageAsync($"/jobs/jobs/{id}");
        JsonElement job = await GetJsonAsync(app, $"/jobs/api/jobs/{id}");

        page.Should().Contain("<dt>Waiting</dt><dd data-job-field=\"waiting\">its queue is paused</dd>");
        page.Should().Contain("customer-&lt;7&gt;", "the key is shown, encoded");
        job.GetProperty("waiting").GetProperty("reason").GetString().Should().Be("QueuePaused");
        job.GetProperty("limitKey").GetString().Should().Be("customer-<7>");
    }

    [Fact]
    public async Task Api_RangeOtherThanHourOrDay_IsRefused()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);

        HttpResponseMessage response = await app.GetAsync("/jobs/api/throughput?range=year");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Stream_SendsOverviewEvents_AtNoShorterIntervalThanTheOptions()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(o => o.LiveUpdateInterval = TimeSpan.FromSeconds(3), worker: false);
        await app.Jobs.EnqueueAsync(new Succeed("x"));

        string overview = await app.GetPageAsync("/jobs/?interval=0");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/jobs/api/stream?interval=0");
        using HttpResponseMessage response = await app.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (await Deadline.Within(reader.ReadLineAsync(), "the first event") is { } line && !line.StartsWith("data:", StringComparison.Ordinal))
        {
            lines.Add(line);
        }

        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        overview.Should().Contain("data-interval=\"3\"", "the interval asked for (0 s) is raised to the options' 3 s");
        lines.Should().Contain("retry: 3000").And.Contain("event: overview");
    }

    private static async Task<JsonElement> GetJsonAsync(DashboardApp app, string path)
    {
        HttpResponseMessage response = await app.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }
}
