using JobQueue.Dashboard.Rendering;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>Queues: jobs by state, paused or not, latency, concurrency across hosts; pause and resume.</summary>
internal static class QueueEndpoints
{
    public static void Map(RouteGroupBuilder group, RouteGroupBuilder actions, DashboardSettings settings)
    {
        group.MapGet("/queues", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            IReadOnlyList<QueueInfo> queues = await request.Admin.GetQueuesAsync(request.Aborted).ConfigureAwait(false);
            return Layout.Page(request, "queues", "Queues", Render(request, queues));
        });

        actions.MapPost("/queues/pause", (Func<HttpContext, Task<IResult>>)(context => ChangeAsync(context, settings, pause: true)));
        actions.MapPost("/queues/resume", (Func<HttpContext, Task<IResult>>)(context => ChangeAsync(context, settings, pause: false)));
    }

    private static async Task<IResult> ChangeAsync(HttpContext context, DashboardSettings settings, bool pause)
    {
        var request = DashboardRequest.For(context, settings);
        IFormCollection form = await context.Request.ReadFormAsync(request.Aborted).ConfigureAwait(false);
        string queue = form["queue"].ToString();
        if (string.IsNullOrWhiteSpace(queue))
        {
            return Results.BadRequest("The form names no queue (field 'queue').");
        }

        if (pause)
        {
            await request.Admin.PauseQueueAsync(queue, request.Aborted).ConfigureAwait(false);
        }
        else
        {
            await request.Admin.ResumeQueueAsync(queue, request.Aborted).ConfigureAwait(false);
        }

        return Redirect.To(request, "queues" + Notice.Query(pause ? "paused" : "resumed"));
    }

    private static Markup Render(DashboardRequest request, IReadOnlyList<QueueInfo> queues)
    {
        var html = new HtmlBuilder();
        if (queues.Count == 0)
        {
            html.Add($"<p class=\"muted\">No queue has jobs or a host yet.</p>");
            return html.ToMarkup();
        }

        html.Add($"<table><thead><tr><th>Queue</th><th>Status</th><th>Scheduled</th><th>Enqueued</th><th>Running</th><th>Succeeded</th><th>Failed</th><th>Cancelled</th><th>Awaiting</th><th>Latency</th><th>Hosts</th><th>Concurrency</th><th></th></tr></thead><tbody>");
        foreach (QueueInfo queue in queues)
        {
            string jobs = request.Root + "jobs?queue=" + Uri.EscapeDataString(queue.Name);
            html.Add($"<tr><td><a href=\"{jobs}\">{queue.Name}</a></td>");
            html.Add($"<td>{(queue.Paused ? "paused since " + Format.Time(queue.PausedAt) : "active")}{UnservedMark(queue)}</td>");
            html.Add($"<td>{Format.Count(queue.Scheduled)}</td><td>{Format.Count(queue.Enqueued)}</td><td>{Format.Count(queue.Running)}</td>");
            html.Add($"<td>{Format.Count(queue.Succeeded)}</td><td>{Format.Count(queue.Failed)}</td><td>{Format.Count(queue.Cancelled)}</td><td>{Format.Count(queue.Awaiting)}</td>");
            html.Add($"<td>{Format.Duration(queue.Latency)}</td><td>{queue.Hosts}</td><td>{queue.Concurrency}</td><td>");
            html.Add(Layout.ActionButton(request, request.Root + (queue.Paused ? "queues/resume" : "queues/pause"), queue.Paused ? "Resume" : "Pause",
                [new("queue", queue.Name)]));
            html.Add($"</td></tr>");
        }

        html.Add($"</tbody></table>");
        return html.ToMarkup();
    }

    /// <summary>The overview's queue table: latency and backlog, updated live.</summary>
    public static Markup LatencyTable(DashboardRequest request, IReadOnlyList<QueueInfo> queues)
    {
        var html = new HtmlBuilder();
        html.Add($"<table class=\"live-queues\"><thead><tr><th>Queue</th><th>Enqueued</th><th>Running</th><th>Latency</th><th>Status</th></tr></thead><tbody>");
        foreach (QueueInfo queue in queues)
        {
            string jobs = request.Root + "jobs?queue=" + Uri.EscapeDataString(queue.Name);
            html.Add($"<tr data-queue=\"{queue.Name}\"><td><a href=\"{jobs}\">{queue.Name}</a></td>");
            html.Add($"<td data-field=\"enqueued\">{Format.Count(queue.Enqueued)}</td><td data-field=\"running\">{Format.Count(queue.Running)}</td>");
            html.Add($"<td data-field=\"latency\">{Format.Duration(queue.Latency)}</td><td data-field=\"status\">{(queue.Paused ? "paused" : "active")}{UnservedMark(queue)}</td></tr>");
        }

        if (queues.Count == 0)
        {
            html.Add($"<tr><td colspan=\"5\" class=\"muted\">No queue has jobs or a host yet.</td></tr>");
        }

        html.Add($"</tbody></table>");
        return html.ToMarkup();
    }

    /// <summary>
    /// Whether a queue has jobs waiting and no live host serves it: they wait until a host that declares the queue, or
    /// registers a job type that uses it, starts. Paused or not: a pause ends, the missing host stays missing.
    /// </summary>
    public static bool IsUnserved(QueueInfo queue) => queue.Hosts == 0 && queue.Enqueued + queue.Scheduled + queue.Awaiting > 0;

    // dashboard.js builds the same mark when a live update says the queue is unserved: keep the two alike.
    private static Markup UnservedMark(QueueInfo queue)
    {
        var html = new HtmlBuilder();
        if (IsUnserved(queue))
        {
            html.Add($" <span class=\"badge unserved\" title=\"{UnservedHint}\">no host serves this queue</span>");
        }

        return html.ToMarkup();
    }

    private const string UnservedHint = "Its jobs wait until a worker host that declares this queue with AddQueue, or registers a job type that uses it, runs.";
}
