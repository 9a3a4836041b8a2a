using JobQueue;
using JobQueue.Testing;
using Microsoft.Extensions.DependencyInjection;
using WebShop.Jobs;
using Xunit;

namespace WebShop.UnitTests;

public sealed class NightlySalesReportTests
{
    [Fact]
    public async Task NightlySalesReport_OneDayPasses_RunsOnceAtTwoInTheMorningBerlinTime()
    {
        await using var factory = new ShopFactory();
        var jobs = factory.Services.GetRequiredService<JobQueueTestHarness>();
        DateTimeOffset start = jobs.Clock.GetUtcNow(); // 2026-01-01 00:00 UTC, 01:00 in Berlin

        JobRunReport report = await jobs.AdvanceTimeAsync(TimeSpan.FromDays(1));

        JobAttemptRecord run = Assert.Single(report.Attempts);
        Assert.Equal("nightly-sales-report", run.Job.Name);
        Assert.Equal(start.AddHours(1), run.StartedAt); // 02:00 in Berlin (UTC+1 in winter)
        Assert.Equal(JobState.Succeeded, run.State);
    }
}
