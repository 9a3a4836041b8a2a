using System.Globalization;
using System.Xml.Linq;
using JobQueue.Benchmarks;

namespace JobQueue.Benchmarks.Tests;

public sealed class SvgPlotTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Parse_ReadsLabelMeasuredAndRawLimitOfEachRow()
    {
        IReadOnlyList<SvgPlot.Bar> bars = SvgPlot.Parse("\"SQLite enqueue\"\t26259\t51000\n\"in-memory latency\"\t27000\tNaN\n");

        bars.Should().HaveCount(2);
        bars[0].Should().Be(new SvgPlot.Bar("SQLite enqueue", 26259, 51000));
        bars[1].Label.Should().Be("in-memory latency");
        bars[1].RawLimit.Should().Be(double.NaN);
    }

    [Fact]
    public void Render_DrawsOneBarPerFigureWithItsValueAndSkipsMissingRawLimits()
    {
        XDocument svg = XDocument.Parse(SvgPlot.Render(
            [new SvgPlot.Bar("SQLite enqueue", 26_259, 51_000), new SvgPlot.Bar("Redis latency", 2_000, double.NaN)], "JobQueue results"));

        string[] barValues = [.. Bars(svg).Select(b => b.Element(s_svg + "title")!.Value)];

        svg.Root!.Name.Should().Be(s_svg + "svg");
        barValues.Should().Equal("26,259/s", "51,000/s", "2,000/s");
        svg.Descendants(s_svg + "text").Select(t => t.Value).Should().Contain(["JobQueue results", "SQLite enqueue", "Redis latency"]);
    }

    [Fact]
    public void Render_ScalesBarsLogarithmically()
    {
        XDocument svg = XDocument.Parse(SvgPlot.Render(
            [new SvgPlot.Bar("a", 100, 1_000), new SvgPlot.Bar("b", 10_000, double.NaN)], "t"));

        double[] heights = [.. Bars(svg).Select(b => double.Parse((string)b.Attribute("height")!, CultureInfo.InvariantCulture))];

        // Each decade is the same height, and the axis starts a decade below the smallest figure, so it has a bar too:
        // 100, 1,000 and 10,000 stand one, two and three decades above the axis at 10.
        heights[1].Should().BeApproximately(2 * heights[0], 0.5);
        heights[2].Should().BeApproximately(3 * heights[0], 0.5);
    }

    [Fact]
    public void Render_EncodesLabelsAndTitle()
    {
        string svg = SvgPlot.Render([new SvgPlot.Bar("<script>&", 10, 20)], "a < b");

        XDocument parsed = XDocument.Parse(svg);

        parsed.Descendants(s_svg + "text").Select(t => t.Value).Should().Contain(["<script>&", "a < b"]);
        parsed.Descendants(s_svg + "script").Should().BeEmpty();
    }

    [Fact]
    public void Render_WithNoBars_IsStillAValidPicture()
    {
        XDocument svg = XDocument.Parse(SvgPlot.Render([], "empty run"));

        Bars(svg).Should().BeEmpty();
        svg.Descendants(s_svg + "text").Select(t => t.Value).Should().Contain("empty run");
    }

    private static IEnumerable<XElement> Bars(XDocument svg) =>
        svg.Descendants(s_svg + "rect").Where(r => r.Element(s_svg + "title") is not null);
}
