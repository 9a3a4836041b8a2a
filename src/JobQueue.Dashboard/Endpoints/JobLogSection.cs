using JobQueue.Dashboard.Rendering;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>
/// The job detail page's log-line section. Job log lines are not stored yet, so this says so; when they are, read them
/// here (through the public client or admin interface that keeps them) and render each line, encoded, as the other
/// sections do. Live progress of a running job belongs beside it.
/// </summary>
internal static class JobLogSection
{
    public static Task<Markup> RenderAsync(DashboardRequest request, JobInfo job)
    {
        _ = request;
        _ = job;
        var html = new HtmlBuilder();
        html.Add($"<p class=\"muted\" data-section=\"log-lines\">No log lines recorded.</p>");
        return Task.FromResult(html.ToMarkup());
    }
}
