using JobQueue.Dashboard.Rendering;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>The overview: jobs by state, throughput over the last hour and day, every queue's latency; live.</summary>
internal static class OverviewEndpoints
{
    public static void Map(RouteGroupBuilder group, DashboardSettings settings)
        => group.MapGet("/", async (HttpContext context) =>
        {
            // "/jobs" and "/jobs/" are one route; relative links need the slash, so send "/jobs" to "jobs/".
            string path = context.Request.Path.Value ?? "";
            if (!path.EndsWith('/'))
            {
                context.Response.Headers.Location = path[(path.LastIndexOf('/') + 1)..] + "/" + context.Request.QueryString;
                return Results.StatusCode(StatusCodes.Status302Found);
            }

            var request = DashboardRequest.For(context, settings);
            OverviewData data = await OverviewData.ReadAsync(request).ConfigureAwait(false);
            return Layout.Page(request, "", "Overview", Render(request, data), live: true);
        });

    private static Markup Render(DashboardRequest request, OverviewData data)
    {
        var html = new HtmlBuilder();
        html.Add($"<section class=\"cards\">");
        foreach ((string state, long count) in data.States)
        {
            html.Add($"<a class=\"card state-{state.ToLowerInvariant()}\" href=\"{request.Root}jobs?state={state}\"><span class=\"count\" data-live-state=\"{state}\">{Format.Count(count)}</span><span>{state}</span></a>");
        }

        html.Add($"</section><section>");
        html.Add(ThroughputChart.Render("hour", "Attempts per minute, last hour", data.LastHour));
        html.Add(ThroughputChart.Render("day", "Attempts per 10 minutes, last 24 hours", data.LastDay));
        html.Add($"<p class=\"legend\"><span class=\"key ok\"></span> succeeded <span class=\"key fail\"></span> failed</p></section>");
        html.Add($"<h2>Queues</h2>");
        html.Add(QueueEndpoints.LatencyTable(request, data.Queues));
        return html.ToMarkup();
    }
}
