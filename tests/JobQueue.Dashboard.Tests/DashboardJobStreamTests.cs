using System.Net;
using System.Text.Json;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Dashboard.Tests;

/// <summary>{prefix}/api/jobs/{id}/stream: one job's live snapshots as server-sent events.</summary>
public sealed class DashboardJobStreamTests
{
    [Fact]
    public async Task JobStream_JobReportsProgress_DeliversEachProgressUpToTheFinalStateThenEnds()
    {
        // No worker: the test runs the job through the store itself, one step at a time, as a worker elsewhere would,
        // and reads the event of each step before making the next, so none can be coalesced away.
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        JobId id = await app.Jobs.EnqueueAsync(new Succeed("streamed"));
        IJobStorage storage = app.Services.GetRequiredService<IJobStorage>();
        DateTimeOffset now = DateTimeOffset.UtcNow;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/jobs/api/jobs/{id}/stream");
        using HttpResponseMessage response = await app.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new List<string>();

        seen.Add(Describe(await NextEventAsync(reader)));
        StoredJob leased = (await storage.FetchAsync(new FetchRequest
        {
            Queue = "default", Limit = 1, Now = now, LeaseToken = Guid.NewGuid(), LeaseExpiresAt = now.AddMinutes(5), WorkerId = "stream-test",
        }, CancellationToken.None)).Single();
        seen.Add(Describe(await NextEventAsync(reader)));
        foreach (int percent in new[] { 40, 80 })
        {
            (await storage.ReportProgressAsync([new ProgressReport { Id = id, LeaseToken = leased.LeaseToken!.Value, Progress = new JobProgress(percent, null) }],
                CancellationToken.None)).Should().Equal(true);
            seen.Add(Describe(await NextEventAsync(reader)));
        }

        (await storage.CompleteAsync([new JobCompletion { Id = id, LeaseToken = leased.LeaseToken!.Value, Now = now }], CancellationToken.None))
            .Should().Equal(true);
        seen.Add(Describe(await NextEventAsync(reader)));
        (string endEvent, _) = await NextEventAsync(reader);
        // Completes only when the server ends the response.
        string afterEnd = await Deadline.Within(reader.ReadToEndAsync(), "the end of the stream");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        response.Headers.Should().Contain(h => h.Key == "Content-Security-Policy", "the stream has the headers of every dashboard response");
        seen.Should().Equal("job:Enqueued", "job:Running", "job:Running@40", "job:Running@80", "job:Succeeded@80");
        endEvent.Should().Be("end");
        afterEnd.Trim().Should().BeEmpty("nothing follows the end event, and the response ends");
    }

    [Fact]
    public async Task JobDetail_UnfinishedJob_NamesItsStreamForTheScript_FinishedJobDoesNot()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);
        JobId waiting = await app.Jobs.EnqueueAsync(new Succeed("waiting"));
        JobId cancelled = await app.Jobs.EnqueueAsync(new Succeed("cancelled"));
        await app.Jobs.CancelAsync(cancelled);

        string live = await app.GetPageAsync($"/jobs/jobs/{waiting}");
        string still = await app.GetPageAsync($"/jobs/jobs/{cancelled}");

        live.Should().Contain($"data-job-live=\"../api/jobs/{waiting}/stream\"").And.Contain($"data-job-poll=\"../api/jobs/{waiting}\"")
            .And.Contain("data-job-field=\"progress\"").And.NotContain("<script>");
        still.Should().NotContain("data-job-live");
    }

    [Theory]
    [InlineData("not-a-job-id")]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    public async Task JobStream_MalformedOrUnknownId_AnswersNotFound(string id)
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);

        HttpResponseMessage response = await app.GetAsync($"/jobs/api/jobs/{id}/stream");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static string Describe((string Event, JsonElement Data) e)
    {
        string state = e.Data.GetProperty("state").GetString()!;
        return e.Data.TryGetProperty("progress", out JsonElement progress) && progress.ValueKind == JsonValueKind.Object
            ? $"{e.Event}:{state}@{progress.GetProperty("percent").GetDouble():0}"
            : $"{e.Event}:{state}";
    }

    private static async Task<(string Event, JsonElement Data)> NextEventAsync(StreamReader reader)
    {
        string name = "message";
        while (await Deadline.Within(reader.ReadLineAsync(), "the next event of the job stream") is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return (name, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
            }
        }

        throw new InvalidOperationException("The stream ended before the next event.");
    }
}
