using JobQueue.Dashboard.Rendering;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>Batches: progress, children by state, callbacks. The store lists no batches, so a batch is opened by its id.</summary>
internal static class BatchEndpoints
{
    public static void Map(RouteGroupBuilder group, DashboardSettings settings)
    {
        group.MapGet("/batches", (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            string id = context.Request.Query["id"].ToString();
            if (id.Length > 0 && Guid.TryParse(id, out Guid guid))
            {
                return Redirect.To(request, "batches/" + guid.ToString("D"));
            }

            var html = new HtmlBuilder();
            html.Add($"<form method=\"get\" action=\"{request.Root}batches\" class=\"filters\"><label>Batch id <input name=\"id\" value=\"{id}\" required></label><button type=\"submit\">Open</button></form>");
            html.Add($"<p class=\"muted\">A job's page links to its batch.</p>");
            return Layout.Page(request, "batches", "Batches", html.ToMarkup());
        });

        group.MapGet("/batches/{id}", async (string id, HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            if (!Guid.TryParse(id, out Guid guid))
            {
                return Results.NotFound("Not a batch id.");
            }

            var batchId = new BatchId(guid);
            BatchInfo? batch = await request.Client.GetBatchAsync(batchId, request.Aborted).ConfigureAwait(false);
            if (batch is null)
            {
                var missing = new HtmlBuilder();
                missing.Add($"<p>No batch <span class=\"mono\">{batchId}</span> exists, or it was pruned.</p>");
                return Layout.Page(request, "batches", "Batch not found", missing.ToMarkup());
            }

            var children = new List<(JobState State, JobPage Page)>();
            foreach (JobState state in Enum.GetValues<JobState>())
            {
                JobPage page = await request.Admin.QueryJobsAsync(new JobFilter { BatchId = batchId, State = state, PageSize = 1 }, request.Aborted).ConfigureAwait(false);
                children.Add((state, page));
            }

            JobPage newest = await request.Admin.QueryJobsAsync(new JobFilter { BatchId = batchId, PageSize = settings.Options.PageSize }, request.Aborted).ConfigureAwait(false);
            return Layout.Page(request, "batches", "Batch", Render(request, batch, children, newest));
        });
    }

    private static Markup Render(DashboardRequest request, BatchInfo batch, List<(JobState State, JobPage Page)> children, JobPage newest)
    {
        string root = request.Root;
        var html = new HtmlBuilder();
        int done = batch.Succeeded + batch.Failed;
        html.Add($"<p><span class=\"state\">{batch.State}</span> <span class=\"mono\">{batch.Id}</span></p>");
        html.Add($"<p><progress max=\"{Math.Max(batch.Total, 1)}\" value=\"{done}\"></progress> {done} of {batch.Total} done: {batch.Succeeded} succeeded, {batch.Failed} failed, {batch.Pending} pending</p>");
        html.Add($"<dl class=\"facts\"><dt>Created</dt><dd>{Format.Time(batch.CreatedAt)}</dd><dt>Finished</dt><dd>{Format.Time(batch.FinishedAt)}</dd>");
        html.Add($"<dt>On success</dt><dd>{Callback(root, batch.SuccessJobId)}</dd><dt>On failure</dt><dd>{Callback(root, batch.FailureJobId)}</dd></dl>");
        html.Add($"<h2>Jobs by state</h2><table><thead><tr><th>State</th><th>Jobs</th></tr></thead><tbody>");
        foreach ((JobState state, JobPage page) in children)
        {
            html.Add($"<tr><td><a href=\"{root}jobs?state={state}&batch={batch.Id}\">{state}</a></td><td>{Format.Total(page)}</td></tr>");
        }

        html.Add($"</tbody></table><p><a href=\"{root}jobs?batch={batch.Id}\">All its jobs</a></p><h2>Newest jobs</h2><table><thead><tr><th>Job</th><th>State</th><th>Finished</th></tr></thead><tbody>");
        foreach (JobInfo job in newest.Jobs)
        {
            html.Add($"<tr><td><a href=\"{root}jobs/{job.Id}\">{job.Name}</a></td><td>{job.State}</td><td>{Format.Time(job.FinishedAt)}</td></tr>");
        }

        html.Add($"</tbody></table>");
        return html.ToMarkup();
    }

    private static Markup Callback(string root, JobId? id)
    {
        var html = new HtmlBuilder();
        if (id is { } jobId)
        {
            html.Add($"<a href=\"{root}jobs/{jobId}\">{jobId}</a>");
        }
        else
        {
            html.Add($"none");
        }

        return html.ToMarkup();
    }
}
