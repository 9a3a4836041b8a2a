using JobQueue.Dashboard.Rendering;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>Jobs: the filtered, paged list; retry, cancel and delete on a selection or on everything matching.</summary>
internal static class JobEndpoints
{
    public static void Map(RouteGroupBuilder group, RouteGroupBuilder actions, DashboardSettings settings)
    {
        group.MapGet("/jobs", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            if (!JobQuery.TryRead(context.Request.Query, settings.Options, out JobQuery query, out string? error))
            {
                return Results.BadRequest(error);
            }

            JobPage page;
            try
            {
                page = await request.Admin.QueryJobsAsync(query.ToFilter(query.State), request.Aborted).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(e.Message);
            }

            return Layout.Page(request, "jobs", "Jobs", RenderList(request, query, page));
        });

        group.MapGet("/jobs/bulk", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            string action = context.Request.Query["action"].ToString();
            if (!BulkAction.Names.Contains(action))
            {
                return Results.BadRequest($"'{action}' is not a bulk action: use retry, cancel or delete.");
            }

            if (!JobQuery.TryRead(context.Request.Query, settings.Options, out JobQuery query, out string? error))
            {
                return Results.BadRequest(error);
            }

            (long count, bool exact) = await BulkAction.CountAsync(request, action, query).ConfigureAwait(false);
            return Layout.Page(request, "jobs", "Confirm " + action, RenderPreview(request, action, query, count, exact));
        });

        actions.MapPost("/jobs/bulk", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            IFormCollection form = await context.Request.ReadFormAsync(request.Aborted).ConfigureAwait(false);
            string action = form["action"].ToString();
            if (!BulkAction.Names.Contains(action))
            {
                return Results.BadRequest($"'{action}' is not a bulk action: use retry, cancel or delete.");
            }

            if (!JobQuery.TryRead(form, settings.Options, out JobQuery query, out string? error))
            {
                return Results.BadRequest(error);
            }

            int done = await BulkAction.RunAsync(request, action, query).ConfigureAwait(false);
            return Redirect.To(request, "jobs" + Notice.Query(PastTense(action), done));
        });

        actions.MapPost("/jobs/selected", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            IFormCollection form = await context.Request.ReadFormAsync(request.Aborted).ConfigureAwait(false);
            string action = form["action"].ToString();
            if (!BulkAction.Names.Contains(action))
            {
                return Results.BadRequest($"'{action}' is not an action: use retry, cancel or delete.");
            }

            var ids = new List<JobId>();
            foreach (string? value in form["id"])
            {
                if (!JobId.TryParse(value, out JobId id))
                {
                    return Results.BadRequest($"'{value}' is not a job id.");
                }

                ids.Add(id);
            }

            if (ids.Count > settings.Options.MaxBulkJobs)
            {
                return Results.BadRequest($"{ids.Count} jobs were selected; at most {settings.Options.MaxBulkJobs} (DashboardOptions.MaxBulkJobs) are acted on at once.");
            }

            int done = 0;
            int refused = 0;
            foreach (JobId id in ids)
            {
                switch (await JobActions.RunAsync(request, action, id).ConfigureAwait(false))
                {
                    case JobActions.Outcome.Done:
                        done++;
                        break;
                    case JobActions.Outcome.Refused:
                        refused++;
                        break;
                }
            }

            return Redirect.To(request, "jobs" + (refused > 0 && done == 0 ? Notice.Query("refused", refused) : Notice.Query(PastTense(action), done)));
        });

        group.MapGet("/jobs/{id}", async (string id, HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            if (!JobId.TryParse(id, out JobId jobId))
            {
                return Results.NotFound("Not a job id.");
            }

            JobInfo? job = await request.Client.GetAsync(jobId, request.Aborted).ConfigureAwait(false);
            if (job is null)
            {
                return Layout.Page(request, "jobs", "Job not found", JobDetail.NotFound(jobId));
            }

            BatchInfo? batch = job.BatchId is { } batchId ? await request.Client.GetBatchAsync(batchId, request.Aborted).ConfigureAwait(false) : null;
            Markup logLines = await JobLogSection.RenderAsync(request, job).ConfigureAwait(false);
            return Layout.Page(request, "jobs", "Job " + job.Name, JobDetail.Render(request, job, batch, logLines));
        });

        actions.MapPost("/jobs/{id}/{action}", async (string id, string action, HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            if (!JobId.TryParse(id, out JobId jobId) || !BulkAction.Names.Contains(action))
            {
                return Results.NotFound();
            }

            JobActions.Outcome outcome = await JobActions.RunAsync(request, action, jobId).ConfigureAwait(false);
            string notice = outcome switch
            {
                JobActions.Outcome.Done => Notice.Query(PastTense(action)),
                JobActions.Outcome.Missing => Notice.Query("missing"),
                _ => Notice.Query("refused"),
            };
            return Redirect.To(request, action == "delete" && outcome == JobActions.Outcome.Done ? "jobs" + notice : "jobs/" + jobId + notice);
        });
    }

    internal static string PastTense(string action) => action switch
    {
        "retry" => "retried",
        "cancel" => "cancelled",
        _ => "deleted",
    };

    private static Markup RenderList(DashboardRequest request, JobQuery query, JobPage page)
    {
        string root = request.Root;
        var html = new HtmlBuilder();
        html.Add($"<form method=\"get\" action=\"{root}jobs\" class=\"filters\"><label>State <select name=\"state\"><option value=\"\">any</option>");
        foreach (JobState state in Enum.GetValues<JobState>())
        {
            html.Add($"<option");
            if (query.State == state)
            {
                html.Add($" selected");
            }

            html.Add($">{state}</option>");
        }

        html.Add($"</select></label><label>Queue <input name=\"queue\" value=\"{query.Queue}\"></label><label>Name <input name=\"name\" value=\"{query.Name}\"></label>");
        html.Add($"<label>Search <input name=\"text\" value=\"{query.Text}\" maxlength=\"{JobFilter.MaxTextLength}\"></label><label>Batch <input name=\"batch\" value=\"{query.Batch?.ToString()}\"></label><button type=\"submit\">Filter</button></form>");
        html.Add($"<p><span class=\"total\">{Format.Total(page)}</span> matching job(s).");
        if (!request.Options.ReadOnly)
        {
            foreach (string action in BulkAction.Names)
            {
                string preview = root + "jobs/bulk" + (query.ToQueryString() is { Length: > 0 } q ? q + "&" : "?") + "action=" + action;
                html.Add($" <a class=\"button\" href=\"{preview}\">{Capitalize(action)} all matching…</a>");
            }
        }

        html.Add($"</p>");
        if (page.Jobs.Count == 0)
        {
            html.Add($"<p class=\"muted\">No job matches.</p>");
            return html.ToMarkup();
        }

        bool selectable = !request.Options.ReadOnly;
        if (selectable)
        {
            html.Add($"<form method=\"post\" action=\"{root}jobs/selected\">");
            html.Add(Layout.AntiforgeryField(request));
        }

        html.Add($"<table><thead><tr>");
        if (selectable)
        {
            html.Add($"<th><input type=\"checkbox\" data-select-all aria-label=\"Select all\"></th>");
        }

        html.Add($"<th>Job</th><th>Queue</th><th>State</th><th>Attempt</th><th>Enqueued</th><th>Finished</th><th>Error</th></tr></thead><tbody>");
        foreach (JobInfo job in page.Jobs)
        {
            html.Add($"<tr>");
            if (selectable)
            {
                html.Add($"<td><input type=\"checkbox\" name=\"id\" value=\"{job.Id}\" aria-label=\"Select\"></td>");
            }

            html.Add($"<td><a href=\"{root}jobs/{job.Id}\">{job.Name}</a><br><span class=\"muted mono\">{job.Id}</span></td><td>{job.Queue}</td>");
            html.Add($"<td><span class=\"state state-{job.State.ToString().ToLowerInvariant()}\">{job.State}</span></td><td>{job.Attempt}/{job.MaxAttempts}</td>");
            html.Add($"<td>{Format.Time(job.EnqueuedAt)}</td><td>{Format.Time(job.FinishedAt)}</td><td>{(job.Error is { } e ? e.Type + ": " + e.Message : "")}</td></tr>");
        }

        html.Add($"</tbody></table>");
        if (selectable)
        {
            html.Add($"<p>With the selected jobs: <button type=\"submit\" name=\"action\" value=\"retry\">Retry</button> <button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button> <button type=\"submit\" name=\"action\" value=\"delete\" class=\"danger\" data-confirm=\"Delete the selected jobs?\">Delete</button></p></form>");
        }

        if (page.Continuation is { } after)
        {
            html.Add($"<p><a href=\"{root}jobs{query.ToQueryString(after)}\">Older jobs →</a></p>");
        }

        if (query.After is not null)
        {
            html.Add($"<p><a href=\"{root}jobs{query.ToQueryString()}\">← Newest jobs</a></p>");
        }

        return html.ToMarkup();
    }

    private static Markup RenderPreview(DashboardRequest request, string action, JobQuery query, long count, bool exact)
    {
        var html = new HtmlBuilder();
        int cap = request.Options.MaxBulkJobs;
        long affected = Math.Min(count, cap);
        string states = string.Join(", ", BulkAction.StatesFor(action, query.State));
        html.Add($"<p class=\"preview\"><span class=\"preview-count\">{Format.Count(count)}{(exact ? "" : "+")}</span> job(s) match the filter in the states {action} applies to ({(states.Length == 0 ? "none" : states)}).</p>");
        if (count > cap)
        {
            html.Add($"<p>Only the newest {Format.Count(cap)} will be acted on (DashboardOptions.MaxBulkJobs); run it again for more.</p>");
        }

        html.Add($"<dl class=\"filter\"><dt>State</dt><dd>{query.State?.ToString() ?? "any"}</dd><dt>Queue</dt><dd>{query.Queue ?? "any"}</dd><dt>Name</dt><dd>{query.Name ?? "any"}</dd><dt>Search</dt><dd>{query.Text ?? "—"}</dd><dt>Batch</dt><dd>{query.Batch?.ToString() ?? "any"}</dd></dl>");
        if (affected > 0)
        {
            var fields = query.ToFields().Append(new("action", action)).ToList();
            html.Add(Layout.ActionButton(request, request.Root + "jobs/bulk", $"{Capitalize(action)} {Format.Count(affected)} job(s)", fields, danger: action == "delete"));
        }

        html.Add($" <a href=\"{request.Root}jobs{query.ToQueryString()}\">Back</a>");
        return html.ToMarkup();
    }

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
