using JobQueue.Dashboard.Endpoints;

namespace JobQueue.Dashboard.Tests;

public sealed class RecurringRunsTests
{
    [Fact]
    public void NextRuns_AcrossTheEndOfDaylightSavingTime_MarkTheOffsetChange()
    {
        // 03:00 in Berlin: summer time (+02:00) ends on 2026-10-25, so the run that day is at +01:00.
        var job = new RecurringJobInfo
        {
            Id = "nightly",
            Cron = "0 3 * * *",
            TimeZone = "Europe/Berlin",
            Name = "n",
            Queue = "default",
            UpcomingRuns =
            [
                new DateTimeOffset(2026, 10, 24, 1, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 10, 25, 2, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 10, 26, 2, 0, 0, TimeSpan.Zero),
            ],
        };

        string html = System.Net.WebUtility.HtmlDecode(RecurringEndpoints.NextRuns(job).Value);

        html.Should().Contain("<li>2026-10-24 03:00 +02:00</li>");
        html.Should().Contain("<li>2026-10-25 03:00 +01:00 <span class=\"dst\"");
        html.Should().Contain("daylight saving: +02:00 → +01:00");
        html.Should().Contain("<li>2026-10-26 03:00 +01:00</li>");
    }
}
