namespace JobQueue.Dashboard.Tests;

public sealed class DashboardEncodingTests
{
    private const string Hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'";

    [Fact]
    public async Task EveryPage_ValuesFromArgumentsErrorsAndQueueNames_AreEncoded()
    {
        await using DashboardApp app = await DashboardApp.StartAsync();
        var seeded = await DashboardPages.SeedAsync(app, text: Hostile, queue: "q\"><script>x</script>");

        foreach (string page in seeded.Pages)
        {
            string html = await app.GetPageAsync(page);

            html.Contains("<script>", StringComparison.Ordinal).Should().BeFalse(page);
            html.Contains("<img", StringComparison.Ordinal).Should().BeFalse(page);
            html.Contains("alert(2)>", StringComparison.Ordinal).Should().BeFalse(page);
        }

        string failedPage = await app.GetPageAsync($"/jobs/jobs/{seeded.Failed.Id}");
        failedPage.Should().Contain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#x27;",
            "the error message and the arguments are shown, encoded");
        string succeededPage = await app.GetPageAsync($"/jobs/jobs/{seeded.Succeeded.Id}");
        succeededPage.Should().Contain("logged: &lt;script&gt;alert(1)&lt;/script&gt;", "the line the handler logged is shown, encoded");
        string queues = await app.GetPageAsync("/jobs/queues");
        queues.Should().Contain("q&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
    }
}
