using JobQueue.Dashboard.Rendering;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>Recurring jobs: cron, time zone, next runs (daylight-saving changes marked), last run; trigger, pause, resume, delete.</summary>
internal static class RecurringEndpoints
{
    private static readonly string[] s_actions = ["trigger", "pause", "resume", "delete"];

    public static void Map(RouteGroupBuilder group, RouteGroupBuilder actions, DashboardSettings settings)
    {
        group.MapGet("/recurring", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            IReadOnlyList<RecurringJobInfo> jobs = await request.Recurring.ListAsync(request.Aborted).ConfigureAwait(false);
            return Layout.Page(request, "recurring", "Recurring jobs", Render(request, jobs));
        });

        actions.MapPost("/recurring/action", async (HttpContext context) =>
        {
            var request = DashboardRequest.For(context, settings);
            IFormCollection form = await context.Request.ReadFormAsync(request.Aborted).ConfigureAwait(false);
            string id = form["id"].ToString();
            string action = form["action"].ToString();
            if (id.Length == 0 || !s_actions.Contains(action))
            {
                return Results.BadRequest("The form needs a recurring job 'id' and an 'action': trigger, pause, resume or delete.");
            }

            try
            {
                bool found = true;
                switch (action)
                {
                    case "trigger":
                        await request.Recurring.TriggerAsync(id, request.Aborted).ConfigureAwait(false);
                        break;
                    case "pause":
                        found = await request.Recurring.PauseAsync(id, request.Aborted).ConfigureAwait(false);
                        break;
                    case "resume":
                        found = await request.Recurring.ResumeAsync(id, request.Aborted).ConfigureAwait(false);
                        break;
                    default:
                        found = await request.Recurring.RemoveAsync(id, request.Aborted).ConfigureAwait(false);
                        break;
                }

                return found
                    ? Redirect.To(request, "recurring" + Notice.Query(action == "trigger" ? "triggered" : "recurring-" + JobPastTense(action)))
                    : Results.NotFound("No such recurring job.");
            }
            catch (InvalidOperationException e)
            {
                return Results.Conflict(e.Message);
            }
        });
    }

    private static string JobPastTense(string action) => action switch
    {
        "pause" => "paused",
        "resume" => "resumed",
        _ => "deleted",
    };

    private static Markup Render(DashboardRequest request, IReadOnlyList<RecurringJobInfo> jobs)
    {
        var html = new HtmlBuilder();
        if (jobs.Count == 0)
        {
            html.Add($"<p class=\"muted\">No recurring job is declared.</p>");
            return html.ToMarkup();
        }

        html.Add($"<table><thead><tr><th>Id</th><th>Job</th><th>Cron</th><th>Time zone</th><th>Next runs</th><th>Last run</th><th>Status</th><th></th></tr></thead><tbody>");
        foreach (RecurringJobInfo job in jobs)
        {
            html.Add($"<tr><td>{job.Id}</td><td>{job.Name}<br><span class=\"muted\">queue {job.Queue}</span></td><td class=\"mono\">{job.Cron}</td><td>{job.TimeZone}</td><td>");
            html.Add(NextRuns(job));
            html.Add($"</td><td>");
            if (job.LastJobId is { } last)
            {
                html.Add($"<a href=\"{request.Root}jobs/{last}\">{Format.Time(job.LastRunAt)}</a>");
            }
            else
            {
                html.Add($"{Format.Time(job.LastRunAt)}");
            }

            html.Add($"</td><td>{(job.Paused ? "paused" : "active")}{(job.Problem is { } problem ? " · " + problem : "")}</td><td>");
            KeyValuePair<string, string> id = new("id", job.Id);
            html.Add(Layout.ActionButton(request, request.Root + "recurring/action", "Trigger now", [id, new("action", "trigger")]));
            html.Add(Layout.ActionButton(request, request.Root + "recurring/action", job.Paused ? "Resume" : "Pause", [id, new("action", job.Paused ? "resume" : "pause")]));
            html.Add(Layout.ActionButton(request, request.Root + "recurring/action", "Delete", [id, new("action", "delete")], danger: true));
            html.Add($"</td></tr>");
        }

        html.Add($"</tbody></table>");
        return html.ToMarkup();
    }

    /// <summary>The upcoming runs in the job's time zone; a run whose UTC offset differs from the one before it crosses a daylight-saving change.</summary>
    internal static Markup NextRuns(RecurringJobInfo job)
    {
        var html = new HtmlBuilder();
        TimeZoneInfo? zone = TimeZoneInfo.TryFindSystemTimeZoneById(job.TimeZone, out TimeZoneInfo? found) ? found : null;
        if (job.UpcomingRuns.Count == 0)
        {
            html.Add($"<span class=\"muted\">none</span>");
            return html.ToMarkup();
        }

        html.Add($"<ul class=\"runs\">");
        TimeSpan? previousOffset = null;
        foreach (DateTimeOffset run in job.UpcomingRuns)
        {
            DateTimeOffset local = zone is null ? run : TimeZoneInfo.ConvertTime(run, zone);
            html.Add($"<li>{local:yyyy-MM-dd HH:mm} {Offset(local.Offset)}");
            if (previousOffset is { } before && before != local.Offset)
            {
                html.Add($" <span class=\"dst\" title=\"The UTC offset changes from {Offset(before)} to {Offset(local.Offset)}\">daylight saving: {Offset(before)} → {Offset(local.Offset)}</span>");
            }

            html.Add($"</li>");
            previousOffset = local.Offset;
        }

        html.Add($"</ul>");
        return html.ToMarkup();
    }

    private static string Offset(TimeSpan offset)
        => (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hh\\:mm", System.Globalization.CultureInfo.InvariantCulture);
}
