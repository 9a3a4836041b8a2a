using JobQueue.Dashboard.Rendering;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>
/// The job detail page's log lines: what the handler logged through ILogger, per attempt, as the store keeps them
/// (bounded: the newest lines of each attempt, with a count of the lines dropped). Every value is user data, encoded.
/// </summary>
internal static class JobLogSection
{
    public static async Task<Markup> RenderAsync(DashboardRequest request, JobInfo job)
    {
        IReadOnlyList<JobLogAttempt> attempts = await request.Admin.GetJobLogAsync(job.Id, request.Aborted).ConfigureAwait(false);
        var html = new HtmlBuilder();
        if (attempts.Count == 0 || attempts.All(a => a.Lines.Count == 0 && a.DroppedLines == 0))
        {
            html.Add($"<p class=\"muted\" data-section=\"log-lines\">No log lines recorded.</p>");
            return html.ToMarkup();
        }

        html.Add($"<div data-section=\"log-lines\">");
        foreach (JobLogAttempt attempt in attempts)
        {
            html.Add($"<h3>Attempt {attempt.Attempt}</h3>");
            if (attempt.DroppedLines > 0)
            {
                html.Add($"<p class=\"muted\">{Format.Count(attempt.DroppedLines)} earlier line(s) not kept.</p>");
            }

            html.Add($"<table class=\"log\"><tbody>");
            foreach (JobLogLine line in attempt.Lines)
            {
                html.Add($"<tr><td>{Format.Time(line.Timestamp)}</td><td>{line.Level.ToString()}</td><td>{line.Category}</td><td><pre>{line.Message}</pre></td></tr>");
            }

            html.Add($"</tbody></table>");
        }

        html.Add($"</div>");
        return html.ToMarkup();
    }
}
