using System.Globalization;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Tests.Recurring;

/// <summary>
/// Daylight saving time, end to end through the scheduler on a fake clock: which jobs the occurrences around each
/// transition of 2026 become, in Europe/Berlin (last Sundays of March and October, at 01:00 UTC) and America/New_York
/// (second Sunday of March at 07:00 UTC, first Sunday of November at 06:00 UTC).
/// </summary>
public sealed class RecurringDaylightSavingTests
{
    [Theory]
    // Spring, a fixed time inside the skipped hour: that day it runs at the next valid time, 03:00 summer time.
    [InlineData("Europe/Berlin", "30 2 * * *", "2026-03-27T12:00Z", "2026-03-30T12:00Z", "2026-03-28T01:30Z 2026-03-29T01:00Z 2026-03-30T00:30Z")]
    [InlineData("America/New_York", "30 2 * * *", "2026-03-06T12:00Z", "2026-03-09T12:00Z", "2026-03-07T07:30Z 2026-03-08T07:00Z 2026-03-09T06:30Z")]
    // Autumn, a fixed time inside the repeated hour: it runs once, in the first copy of the hour.
    [InlineData("Europe/Berlin", "30 2 * * *", "2026-10-24T12:00Z", "2026-10-26T12:00Z", "2026-10-25T00:30Z 2026-10-26T01:30Z")]
    [InlineData("America/New_York", "30 1 * * *", "2026-10-31T12:00Z", "2026-11-02T12:00Z", "2026-11-01T05:30Z 2026-11-02T06:30Z")]
    // Autumn, an interval: it runs in both copies of the repeated hour (02:00 and 02:30 twice in Berlin, 01:00 and 01:30 in New York).
    [InlineData("Europe/Berlin", "*/30 * * * *", "2026-10-24T23:10Z", "2026-10-25T02:10Z", "2026-10-24T23:30Z 2026-10-25T00:00Z 2026-10-25T00:30Z 2026-10-25T01:00Z 2026-10-25T01:30Z 2026-10-25T02:00Z")]
    [InlineData("America/New_York", "*/30 * * * *", "2026-11-01T04:10Z", "2026-11-01T07:10Z", "2026-11-01T04:30Z 2026-11-01T05:00Z 2026-11-01T05:30Z 2026-11-01T06:00Z 2026-11-01T06:30Z 2026-11-01T07:00Z")]
    public async Task Transition_OccurrencesEnqueuedAtTheExpectedInstants(string zone, string cron, string from, string to, string expected)
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(Parse(from), q => q.AddRecurringJob("dst", cron, new RecordArgs("tick"), r => r.TimeZone = zone));

        await host.RunUntilAsync(Parse(to));

        (await rig.JobsAsync()).Select(j => j.RunAt).Should().Equal(expected.Split(' ').Select(Parse));
    }

    [Fact]
    public async Task FallBack_IntervalInBerlin_LocalTimesOfTheRepeatedHourRunTwice()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(Parse("2026-10-24T23:10Z"), q => q.AddRecurringJob("dst", "*/30 * * * *", new RecordArgs("tick"), r => r.TimeZone = "Europe/Berlin"));

        await host.RunUntilAsync(Parse("2026-10-25T02:10Z"));

        TimeZoneInfo berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        (await rig.JobsAsync()).Select(j => TimeZoneInfo.ConvertTime(j.RunAt, berlin).ToString("HH:mm zzz", CultureInfo.InvariantCulture))
            .Should().Equal("01:30 +02:00", "02:00 +02:00", "02:30 +02:00", "02:00 +01:00", "02:30 +01:00", "03:00 +01:00");
    }

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
