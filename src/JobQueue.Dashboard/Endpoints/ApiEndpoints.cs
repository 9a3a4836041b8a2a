using System.Text.Json;
using JobQueue.Dashboard.Capacity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>
/// The JSON API under {prefix}/api, behind the same access rules: what the pages show, as JSON. Read-only; actions are
/// the pages' forms (POST with an antiforgery token).
/// </summary>
internal static class ApiEndpoints
{
    // A live stream ends after this long and the browser's EventSource reconnects: no connection is held forever.
    private static readonly TimeSpan s_streamLifetime = TimeSpan.FromMinutes(10);

    public static void Map(RouteGroupBuilder api, DashboardSettings settings)
    {
        api.MapGet("/overview", async (HttpContext context) =>
        {
            OverviewData data = await OverviewData.ReadAsync(DashboardRequest.For(context, settings)).ConfigureAwait(false);
            return Json(ToJson(data));
        });

        api.MapGet("/queues", async (HttpContext context) =>
        {
            return Json(await DashboardRequest.For(context, settings).Admin.GetQueuesAsync(context.RequestAborted).ConfigureAwait(false));
        });

        api.MapGet("/hosts", async (HttpContext context) =>
        {
            return Json(await DashboardRequest.For(context, settings).Admin.GetHostsAsync(context.RequestAborted).ConfigureAwait(false));
        });

        api.MapGet("/capacity", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            return Json(await WorkerEstimate.ReadAsync(request.Admin, request.Time.GetUtcNow(), request.Aborted).ConfigureAwait(false));
        });

        api.MapGet("/throughput", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            string range = context.Request.Query["range"].ToString();
            if (range is not ("" or "hour" or "day"))
            {
                return Results.BadRequest($"'{range}' is not a chart range: use hour or day (the store keeps 24 hours).");
            }

            IReadOnlyList<ThroughputPoint> points = await request.Admin.GetThroughputAsync(request.Aborted).ConfigureAwait(false);
            DateTimeOffset since = request.Time.GetUtcNow() - (range == "day" ? TimeSpan.FromHours(24) : TimeSpan.FromHours(1));
            return Json(points.Where(p => p.Minute > since).ToList());
        });

        api.MapGet("/recurring", async (HttpContext context) =>
        {
            return Json(await DashboardRequest.For(context, settings).Recurring.ListAsync(context.RequestAborted).ConfigureAwait(false));
        });

        api.MapGet("/jobs", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            if (!JobQuery.TryRead(context.Request.Query, settings.Options, out JobQuery query, out string? error))
            {
                return Results.BadRequest(error);
            }

            try
            {
                JobPage page = await request.Admin.QueryJobsAsync(query.ToFilter(query.State), request.Aborted).ConfigureAwait(false);
                return Json(page);
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(e.Message);
            }
        });

        api.MapGet("/jobs/{id}", async (string id, HttpContext context) =>
        {
            if (!JobId.TryParse(id, out JobId jobId))
            {
                return Results.NotFound();
            }

            JobInfo? job = await DashboardRequest.For(context, settings).Client.GetAsync(jobId, context.RequestAborted).ConfigureAwait(false);
            return job is null ? Results.NotFound() : Json(job);
        });

        // One job's live snapshots (server-sent events), for the job detail page.
        JobStreamEndpoint.Map(api, settings);

        api.MapGet("/batches/{id}", async (string id, HttpContext context) =>
        {
            if (!Guid.TryParse(id, out Guid guid))
            {
                return Results.NotFound();
            }

            BatchInfo? batch = await DashboardRequest.For(context, settings).Client.GetBatchAsync(new BatchId(guid), context.RequestAborted).ConfigureAwait(false);
            return batch is null ? Results.NotFound() : Json(batch);
        });

        api.MapGet("/stream", StreamAsync);

        async Task StreamAsync(HttpContext context)
        {
            var request = DashboardRequest.For(context, settings);
            var interval = TimeSpan.FromSeconds(LiveInterval.Seconds(request));
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            // Proxies such as nginx buffer responses unless told not to; a buffered event arrives too late to be live.
            context.Response.Headers["X-Accel-Buffering"] = "no";
            DateTimeOffset end = request.Time.GetUtcNow() + s_streamLifetime;
            try
            {
                await context.Response.WriteAsync($"retry: {(int)interval.TotalMilliseconds}\n\n", request.Aborted).ConfigureAwait(false);
                while (!request.Aborted.IsCancellationRequested && request.Time.GetUtcNow() < end)
                {
                    OverviewData data = await OverviewData.ReadAsync(request).ConfigureAwait(false);
                    string json = JsonSerializer.Serialize(ToJson(data), DashboardJson.Options);
                    await context.Response.WriteAsync("event: overview\ndata: " + json + "\n\n", request.Aborted).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(request.Aborted).ConfigureAwait(false);
                    await Task.Delay(interval, request.Time, request.Aborted).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (request.Aborted.IsCancellationRequested)
            {
                // The browser closed the stream (tab hidden or closed): nothing to finish.
            }
        }
    }

    private static object ToJson(OverviewData data) => new
    {
        data.At,
        data.States,
        Queues = data.Queues.Select(q => new
        {
            q.Name,
            q.Paused,
            q.Enqueued,
            q.Running,
            q.Hosts,
            Unserved = QueueEndpoints.IsUnserved(q),
            LatencySeconds = q.Latency.TotalSeconds,
            Latency = Rendering.Format.Duration(q.Latency),
        }),
        data.LastHour,
        data.LastDay,
    };

    private static IResult Json<T>(T value) => Results.Json(value, DashboardJson.Options);
}
