using JobQueue.Benchmarks;

namespace JobQueue.Benchmarks.Tests;

public sealed class ReportTests
{
    private const string PostgresBulk = "DurableEnqueueBenchmarks.EnqueueMany1000.Postgres";

    private static Results PostgresBulkResults()
    {
        var results = new Results(new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["pg.copy"] = 250_000,
            ["pg.copy.rows"] = 200_000,
            ["pg.copy.store"] = 100_000,
        });
        results.Add(PostgresBulk, 90_000);
        return results;
    }

    [Fact]
    public void Markdown_FigureWithTwoRawLimits_ShowsItBesideEachWithItsRatio()
    {
        string markdown = Report.Markdown(PostgresBulkResults(), quick: true, "plot.svg");

        markdown.Should().Contain("| PostgreSQL | bulk enqueue, 1,000 per call | 90,000 | COPY of 200,000 rows | 250,000 | 36 % |");
        markdown.Should().Contain("| PostgreSQL | bulk enqueue, 1,000 per call | 90,000 | COPY of 200,000 rows into the store's table (its indexes) | 100,000 | 90 % |");
    }

    [Fact]
    public void Markdown_TargetAgainstStoreTableCopy_IsMetAtEightyPercent()
    {
        string markdown = Report.Markdown(PostgresBulkResults(), quick: true, "plot.svg");

        markdown.Should().Contain("| PostgreSQL | bulk enqueue, newer target (COPY into its own table) | >= 80 % of COPY into the store's table (= 80,000) | 90,000 | **met** |");
        markdown.Should().Contain("| Redis | latency p99, newer target | <= 2.5 ms | not measured | not measured |");
    }

    [Fact]
    public void PlotData_FigureWithTwoRawLimits_GetsOneBarAgainstItsFirst()
    {
        string[] bars = Report.PlotData(PostgresBulkResults()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        bars.Should().Equal("\"PostgreSQL bulk\"\t90000.0\t250000.0");
    }
}
