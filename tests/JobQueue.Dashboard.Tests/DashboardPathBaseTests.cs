using System.Text.RegularExpressions;

namespace JobQueue.Dashboard.Tests;

public sealed partial class DashboardPathBaseTests
{
    [Fact]
    public async Task EveryPage_UnderAPathBase_EmitsOnlyRelativeUrlsThatResolve()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(pathBase: "/ops");
        var seeded = await DashboardPages.SeedAsync(app);

        foreach (string page in seeded.Pages.Select(p => "/ops" + p))
        {
            string html = await app.GetPageAsync(page);
            var urls = Url().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value)).ToList();

            urls.Should().NotBeEmpty();
            foreach (string url in urls)
            {
                url.Should().MatchRegex("^\\.\\.?/", $"{page} links to {url} relatively");
                var resolved = new Uri(new Uri("http://localhost" + page), url);
                resolved.AbsolutePath.Should().StartWith("/ops/jobs/", $"{url} on {page} stays inside the dashboard");
            }
        }
    }

    [Fact]
    public async Task Action_UnderAPathBase_RedirectsRelatively()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(pathBase: "/ops", worker: false);
        await app.ReadTokenAsync();

        HttpResponseMessage response = await app.PostAsync("/ops/jobs/queues/pause", [new("queue", "emails")]);

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.SeeOther);
        string location = response.Headers.Location!.OriginalString;
        location.Should().StartWith("../queues");
        new Uri(new Uri("http://localhost/ops/jobs/queues/pause"), location).AbsolutePath.Should().Be("/ops/jobs/queues");
    }

    [GeneratedRegex("(href|src|action|data-live|data-poll)=\"([^\"]*)\"")]
    private static partial Regex Url();
}
