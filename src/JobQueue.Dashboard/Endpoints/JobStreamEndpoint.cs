using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>
/// {prefix}/api/jobs/{id}/stream: one job's snapshots as server-sent events ("job", the same JSON as
/// {prefix}/api/jobs/{id}), fed by <see cref="IJobClient.WatchAsync"/>; after the final state an "end" event, and the
/// response ends. Behind the same access rules and headers as the rest of the API (it is mapped in its group).
/// </summary>
internal static class JobStreamEndpoint
{
    // No connection is held forever: the browser's EventSource reconnects, and the new stream starts from the job's state.
    private static readonly TimeSpan s_streamLifetime = TimeSpan.FromMinutes(10);

    public static void Map(RouteGroupBuilder api, DashboardSettings settings)
        => api.MapGet("/jobs/{id}/stream", (string id, HttpContext context) => StreamAsync(id, context, settings));

    private static async Task StreamAsync(string id, HttpContext context, DashboardSettings settings)
    {
        if (!JobId.TryParse(id, out JobId jobId))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var request = DashboardRequest.For(context, settings);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(request.Aborted);
        lifetime.CancelAfter(s_streamLifetime);
        IAsyncEnumerator<JobInfo> watch = request.Client.WatchAsync(jobId, lifetime.Token).GetAsyncEnumerator(lifetime.Token);
        try
        {
            bool any;
            try
            {
                any = await watch.MoveNextAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // No such job (never enqueued, or pruned): answered before the stream begins.
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            // Proxies such as nginx buffer responses unless told not to; a buffered event arrives too late to be live.
            context.Response.Headers["X-Accel-Buffering"] = "no";
            while (any)
            {
                string json = JsonSerializer.Serialize(watch.Current, DashboardJson.Options);
                await context.Response.WriteAsync("event: job\ndata: " + json + "\n\n", lifetime.Token).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(lifetime.Token).ConfigureAwait(false);
                any = await watch.MoveNextAsync().ConfigureAwait(false);
            }

            // The watch ends after the final state: say so, so the page stops instead of letting EventSource reconnect.
            await context.Response.WriteAsync("event: end\ndata: {}\n\n", lifetime.Token).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            // The browser closed the stream (tab hidden or closed), or its lifetime is over: nothing to finish.
        }
        finally
        {
            await watch.DisposeAsync().ConfigureAwait(false);
        }
    }
}
