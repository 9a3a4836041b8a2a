using JobQueue.Dashboard.Endpoints;
using Microsoft.AspNetCore.Http;

namespace JobQueue.Dashboard.Rendering;

/// <summary>The page shell: head with the embedded stylesheet and script, navigation, the page's notice, its body.</summary>
internal static class Layout
{
    private static readonly (string Path, string Label)[] s_sections =
    [
        ("", "Overview"), ("queues", "Queues"), ("jobs", "Jobs"), ("batches", "Batches"), ("recurring", "Recurring"), ("hosts", "Hosts"),
    ];

    public static IResult Page(DashboardRequest request, string section, string heading, Markup body, bool live = false)
    {
        var html = new HtmlBuilder();
        string root = request.Root;
        html.Add($"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Add($"<title>{heading} · {request.Options.Title}</title>");
        html.Add($"<link rel=\"stylesheet\" href=\"{root}assets/dashboard.css\"><script src=\"{root}assets/dashboard.js\" defer></script></head>");
        if (live)
        {
            int seconds = LiveInterval.Seconds(request);
            html.Add($"<body data-root=\"{root}\" data-live=\"{root}api/stream?interval={seconds}\" data-poll=\"{root}api/overview\" data-interval=\"{seconds}\">");
        }
        else
        {
            html.Add($"<body data-root=\"{root}\">");
        }

        html.Add($"<header><span class=\"brand\">{request.Options.Title}</span><nav>");
        foreach ((string path, string label) in s_sections)
        {
            string current = path == section ? " aria-current=\"page\"" : "";
            html.Add($"<a href=\"{root}{path}\"");
            html.Add(new Markup(current));
            html.Add($">{label}</a>");
        }

        html.Add($"</nav>");
        if (request.Options.ReadOnly)
        {
            html.Add($"<span class=\"badge\">read-only</span>");
        }

        html.Add($"</header><main><h1>{heading}</h1>");
        if (Notice.From(request.Context.Request.Query) is { } notice)
        {
            html.Add($"<p class=\"notice\" role=\"status\">{notice}</p>");
        }

        html.Add(body);
        html.Add($"</main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    /// <summary>A hidden antiforgery field for a form that posts an action.</summary>
    public static Markup AntiforgeryField(DashboardRequest request)
    {
        var tokens = request.Antiforgery();
        var html = new HtmlBuilder();
        html.Add($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
        return html.ToMarkup();
    }

    /// <summary>A one-button form that posts an action (nothing when the dashboard is read-only).</summary>
    public static Markup ActionButton(DashboardRequest request, string action, string label, IEnumerable<KeyValuePair<string, string>> fields, bool danger = false)
    {
        var html = new HtmlBuilder();
        if (request.Options.ReadOnly)
        {
            return html.ToMarkup();
        }

        html.Add($"<form method=\"post\" action=\"{action}\" class=\"inline\">");
        html.Add(AntiforgeryField(request));
        foreach (var field in fields)
        {
            html.Add($"<input type=\"hidden\" name=\"{field.Key}\" value=\"{field.Value}\">");
        }

        html.Add($"<button type=\"submit\" class=\"{(danger ? "danger" : "")}\"");
        if (danger)
        {
            html.Add($" data-confirm=\"{label}: are you sure?\"");
        }

        html.Add($">{label}</button></form>");
        return html.ToMarkup();
    }
}
