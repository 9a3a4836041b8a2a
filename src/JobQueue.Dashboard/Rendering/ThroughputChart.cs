using System.Globalization;
using JobQueue.Dashboard.Endpoints;

namespace JobQueue.Dashboard.Rendering;

/// <summary>
/// A stacked bar chart in inline SVG (succeeded below, failed above), drawn on the server so it shows without script;
/// dashboard.js redraws it the same way from live updates. Sizes are attributes, not styles, so the CSP holds.
/// </summary>
internal static class ThroughputChart
{
    public const int Width = 720;
    public const int Height = 160;

    public static Markup Render(string id, string caption, IReadOnlyList<ThroughputBar> bars)
    {
        var html = new HtmlBuilder();
        long max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Succeeded + b.Failed));
        double barWidth = (double)Width / Math.Max(1, bars.Count);
        html.Add($"<figure><figcaption>{caption} <span class=\"muted\">(peak <span data-chart-max=\"{id}\">{Format.Count(max)}</span>)</span></figcaption>");
        html.Add($"<svg class=\"chart\" data-chart=\"{id}\" viewBox=\"0 0 {Width} {Height}\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{caption}\">");
        for (int i = 0; i < bars.Count; i++)
        {
            ThroughputBar bar = bars[i];
            double x = i * barWidth;
            double ok = Height * (double)bar.Succeeded / max;
            double fail = Height * (double)bar.Failed / max;
            string w = Number(Math.Max(barWidth - 1, 0.5));
            html.Add($"<g><title>{Format.Time(bar.Start)}: {bar.Succeeded} succeeded, {bar.Failed} failed</title>");
            html.Add($"<rect class=\"ok\" x=\"{Number(x)}\" y=\"{Number(Height - ok)}\" width=\"{w}\" height=\"{Number(ok)}\"></rect>");
            html.Add($"<rect class=\"fail\" x=\"{Number(x)}\" y=\"{Number(Height - ok - fail)}\" width=\"{w}\" height=\"{Number(fail)}\"></rect></g>");
        }

        html.Add($"</svg>");
        if (bars.Count > 0)
        {
            html.Add($"<div class=\"axis\"><span>{Format.Time(bars[0].Start)}</span><span>now</span></div>");
        }

        html.Add($"</figure>");
        return html.ToMarkup();
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
