using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Redis.Tests.Hosting;

public sealed class RedisHostRestartTests
{
    [Fact]
    public async Task WorkerHost_ServerKilledAndRestartedMidRun_ResumesAndEveryJobSucceeds()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);
        var probe = new Probe();
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(server.ConnectionString).AddTestJobs().AddQueue(JobQueueOptions.DefaultQueueName, concurrency: 4)
                .Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(100)),
            s => s.AddSingleton(probe));
        // Gated jobs hold the four slots until the server is down, so the outage always meets work in flight: an
        // ungated drain of 200 jobs can end before the kill lands, and then there is no outage to notice.
        IReadOnlyList<JobId> ids = await host.Client.EnqueueManyAsync(Enumerable.Range(0, 200).Select(_ => new GateArgs("held")));
        await probe.WaitAsync("held:started");

        await server.StopAsync();
        probe.Open("held");
        await probe.WaitAsync("held:done");
        await server.RestartAsync();
        var finished = new List<JobInfo>();
        foreach (JobId id in ids)
        {
            finished.Add(await host.WaitAsync(id));
        }

        finished.Should().HaveCount(200).And.OnlyContain(job => job.State == JobState.Succeeded);
        probe.Count("held:done").Should().BeGreaterThanOrEqualTo(200);
        await host.Logs.WaitForAsync(e => new[] { 1101, 1102, 2108, 2110, 5301 }.Contains(e.EventId.Id),
            "the host to notice the outage and log it while it backs off (1101, 1102, 2108, 2110 or 5301)");
    }
}
