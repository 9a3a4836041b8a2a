using System.Globalization;
using System.Net;
using System.Text;

namespace JobQueue.Benchmarks;

/// <summary>
/// The results' bar chart as an SVG file written directly: each figure beside the storage's raw limit measured in the same
/// run, on a logarithmic scale. Needs no plotting package, so a fresh machine gets the picture too.
/// </summary>
internal static class SvgPlot
{
    private const int Width = 1400;
    private const int Height = 700;
    private const int Left = 100;
    private const int Right = 150;
    private const int Top = 50;
    private const int Bottom = 190;
    private static readonly CultureInfo s_en = CultureInfo.InvariantCulture;

    /// <summary>One group of bars: a figure and its raw limit (NaN when it has none), both per second.</summary>
    public sealed record Bar(string Label, double Measured, double RawLimit);

    /// <summary>Reads the tab-separated rows of <see cref="Report.PlotData"/>: "label", measured, raw limit.</summary>
    public static IReadOnlyList<Bar> Parse(string plotData)
    {
        var bars = new List<Bar>();
        foreach (string line in plotData.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split('\t');
            if (parts.Length == 3)
            {
                bars.Add(new Bar(parts[0].Trim('"'), double.Parse(parts[1], s_en), double.Parse(parts[2], s_en)));
            }
        }

        return bars;
    }

    public static string Render(IReadOnlyList<Bar> bars, string title)
    {
        double[] values = [.. bars.SelectMany(b => new[] { b.Measured, b.RawLimit }).Where(v => double.IsFinite(v) && v > 0)];
        // The decade strictly below the smallest figure: a figure that is itself a power of ten still gets a bar.
        double low = values.Length == 0 ? 1 : Math.Pow(10, Math.Ceiling(Math.Log10(values.Min())) - 1);
        double high = values.Length == 0 ? 10 : Math.Pow(10, Math.Ceiling(Math.Log10(values.Max())));
        if (high <= low)
        {
            high = low * 10;
        }

        int plotWidth = Width - Left - Right;
        int plotHeight = Height - Top - Bottom;
        double Y(double value) => Top + plotHeight * (1 - (Math.Log10(value) - Math.Log10(low)) / (Math.Log10(high) - Math.Log10(low)));

        var svg = new StringBuilder();
        svg.AppendLine(s_en, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.AppendLine(s_en, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        svg.AppendLine(s_en, $"<text x=\"{Width / 2}\" y=\"25\" text-anchor=\"middle\" font-size=\"14\">{Encode(title)}</text>");

        // Decades: a grid line and a label each.
        for (double tick = low; tick <= high * 1.0001; tick *= 10)
        {
            double y = Y(tick);
            svg.AppendLine(s_en, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#ddd\"/>");
            svg.AppendLine(s_en, $"<text x=\"{Left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{tick.ToString("N0", s_en)}</text>");
        }

        svg.AppendLine(s_en, $"<text transform=\"translate(18,{Top + plotHeight / 2}) rotate(-90)\" text-anchor=\"middle\">operations per second (log)</text>");
        double group = bars.Count == 0 ? plotWidth : (double)plotWidth / bars.Count;
        double barWidth = group * 0.38;
        for (int i = 0; i < bars.Count; i++)
        {
            double x = Left + i * group + group * 0.1;
            AddBar(svg, x, bars[i].Measured, "#3b6ea5", barWidth, Y, Top + plotHeight);
            AddBar(svg, x + barWidth, bars[i].RawLimit, "#e0a030", barWidth, Y, Top + plotHeight);
            double labelX = x + barWidth;
            svg.AppendLine(s_en, $"<text transform=\"translate({labelX:F1},{Top + plotHeight + 10}) rotate(40)\">{Encode(bars[i].Label)}</text>");
        }

        svg.AppendLine(s_en, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Top + plotHeight}\" y2=\"{Top + plotHeight}\" stroke=\"black\"/>");
        int legendX = Width - Right + 15;
        svg.AppendLine(s_en, $"<rect x=\"{legendX}\" y=\"{Top}\" width=\"12\" height=\"12\" fill=\"#3b6ea5\"/><text x=\"{legendX + 18}\" y=\"{Top + 10}\">JobQueue</text>");
        svg.AppendLine(s_en, $"<rect x=\"{legendX}\" y=\"{Top + 20}\" width=\"12\" height=\"12\" fill=\"#e0a030\"/><text x=\"{legendX + 18}\" y=\"{Top + 30}\">raw limit</text>");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void AddBar(StringBuilder svg, double x, double value, string color, double width, Func<double, double> y, double baseline)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            return;
        }

        double top = y(value);
        svg.AppendLine(s_en, $"<rect x=\"{x:F1}\" y=\"{top:F1}\" width=\"{width:F1}\" height=\"{baseline - top:F1}\" fill=\"{color}\"><title>{value.ToString("N0", s_en)}/s</title></rect>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
