using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Tests.Diagnostics;

/// <summary>The health check and paused queues: a paused queue's jobs wait on purpose, so its latency degrades nothing.</summary>
public sealed class PausedQueueHealthCheckTests
{
    [Fact]
    public async Task CheckHealth_PausedQueueWaitedPastTheLimit_HealthyWithItsLatencyAndPauseInData()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseInMemory().Configure(o => o.RunWorker = false).AddTestJobs(),
            s =>
            {
                s.AddSingleton(new Probe());
                s.AddSingleton<TimeProvider>(time);
                s.AddHealthChecks().AddJobQueue(o => o.QueueLatencyDegraded = TimeSpan.FromMinutes(5));
            });
        IJobAdmin admin = host.Services.GetRequiredService<IJobAdmin>();
        // A worker process serves both queues (alive past the 7 minutes), so what degrades is the wait, not a missing host.
        await host.Storage.RecordHeartbeatAsync(Heartbeats.Serving("worker-process", time.GetUtcNow(), TimeSpan.FromMinutes(5), "reports", "mail"), Deadline.Token());
        await host.Client.EnqueueAsync(new RecordArgs("held"), new EnqueueOptions { Queue = "reports" });
        await host.Client.EnqueueAsync(new RecordArgs("slow"), new EnqueueOptions { Queue = "mail" });
        await admin.PauseQueueAsync("reports");
        time.Advance(TimeSpan.FromMinutes(7));

        HealthReportEntry bothWaited = await CheckAsync(host);
        await admin.PauseQueueAsync("mail");
        HealthReportEntry bothPaused = await CheckAsync(host);
        await admin.ResumeQueueAsync("reports");
        HealthReportEntry oneResumed = await CheckAsync(host);

        bothWaited.Status.Should().Be(HealthStatus.Degraded);
        bothWaited.Description.Should().Contain("waited longer than 5 min in mail").And.NotContain("reports", "the paused queue is no sign of missing workers");
        bothWaited.Data["queue.reports.paused"].Should().Be(true);
        bothWaited.Data["queue.reports.latency_seconds"].Should().Be(420.0, "the wait is still reported");
        bothWaited.Data.Should().NotContainKey("queue.mail.paused");
        bothPaused.Status.Should().Be(HealthStatus.Healthy, bothPaused.Description);
        oneResumed.Status.Should().Be(HealthStatus.Degraded);
        oneResumed.Description.Should().Contain("reports");
    }

    private static async Task<HealthReportEntry> CheckAsync(TestHost host)
    {
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Deadline.Token());
        return report.Entries["jobqueue"];
    }
}
