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

        markdown.Should().Contain("| PostgreSQL | bulk enqueue, newer target (COPY into its own table) | >= 80 % of COPY into the store's table at the start of the run (= 80,000) | 90,000 | **met** |");
        markdown.Should().Contain("| Redis | latency p99, newer target | <= 2.5 ms | not measured | not measured |");
    }

    [Fact]
    public void Markdown_CeilingMeasuredBesideItsFigure_IsTheNewerTargetsDivisorAndItsReadingsAreListed()
    {
        Results results = PostgresBulkResults();
        results.Raw["pg.copy.store.beside"] = 120_000;
        results.RawSamples["pg.copy.store.beside"] = [110_000, 130_000];

        string markdown = Report.Markdown(results, quick: true, "plot.svg");

        markdown.Should().Contain("| PostgreSQL | bulk enqueue, newer target (COPY into its own table) | >= 80 % of COPY into the store's table just before and after it (= 96,000) | 90,000 | **missed** |");
        markdown.Should().Contain("| PostgreSQL | bulk enqueue, 1,000 per call | 90,000 | COPY of 200,000 rows into the store's table just before and after it (mean) | 120,000 | 75 % |");
        markdown.Should().Contain("| pg.copy.store.beside (mean of 110,000 before, 130,000 after) | 120,000.00 |");
    }

    [Fact]
    public void Markdown_LatencyRuns_AreListedBesideTheirMedians()
    {
        var results = new Results(new Dictionary<string, double>(StringComparer.Ordinal));
        results.Add("Redis.latency.p50", 0.5);
        results.Add("Redis.latency.p99", 1.5);
        results.LatencyRuns["Redis"] = [new LatencyResult(0.6, 1.5, 500), new LatencyResult(0.5, 4.0, 500), new LatencyResult(0.4, 1.2, 500)];
        results.LatencyRuns["Postgres"] = [new LatencyResult(1.1, 2.0, 500)];

        string markdown = Report.Markdown(results, quick: true, "plot.svg");

        markdown.Should().Contain("| Redis | 0.600 / 0.500 / 0.400 | 1.500 / 4.000 / 1.200 |");
        markdown.Should().Contain("| PostgreSQL | 1.100 | 2.000 |");
        markdown.Should().Contain("| Redis | latency p99, newer target | <= 2.5 ms | 1.500 ms | **met** |");
    }

    [Fact]
    public void PlotData_FigureWithTwoRawLimits_GetsOneBarAgainstItsFirst()
    {
        string[] bars = Report.PlotData(PostgresBulkResults()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        bars.Should().Equal("\"PostgreSQL bulk\"\t90000.0\t250000.0");
    }
}
