using System.Text.RegularExpressions;

namespace JobQueue.Dashboard.Tests;

public sealed partial class DashboardHeaderTests
{
    [Fact]
    public async Task EveryPage_HasStrictHeadersAndNoInlineScriptOrStyle()
    {
        await using DashboardApp app = await DashboardApp.StartAsync();
        var seeded = await DashboardPages.SeedAsync(app);

        foreach (string page in seeded.Pages.Append("/jobs/api/queues").Append("/jobs/assets/dashboard.css"))
        {
            HttpResponseMessage response = await app.GetAsync(page);
            string html = await response.Content.ReadAsStringAsync();

            string csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            csp.Should().Contain("script-src 'self'").And.Contain("frame-ancestors 'none'").And.NotContain("unsafe-inline");
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
            response.Headers.GetValues("Referrer-Policy").Should().ContainSingle();
            InlineScript().IsMatch(html).Should().BeFalse($"{page} has no inline script");
            InlineStyle().IsMatch(html).Should().BeFalse($"{page} has no style element or attribute");
            EventAttribute().IsMatch(html).Should().BeFalse($"{page} has no event handler attribute");
        }
    }

    [Fact]
    public async Task Assets_AreServedFromTheAssembly()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);

        HttpResponseMessage js = await app.GetAsync("/jobs/assets/dashboard.js");
        HttpResponseMessage css = await app.GetAsync("/jobs/assets/dashboard.css");
        HttpResponseMessage missing = await app.GetAsync("/jobs/assets/other.js");

        js.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        (await js.Content.ReadAsStringAsync()).Should().Contain("EventSource").And.Contain("visibilitychange");
        css.Content.Headers.ContentType!.MediaType.Should().Be("text/css");
        missing.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<style|\\sstyle=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();

    [GeneratedRegex("<[^>]+\\son[a-z]+=", RegexOptions.IgnoreCase)]
    private static partial Regex EventAttribute();
}
