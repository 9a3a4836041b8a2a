using System.Diagnostics;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace JobQueue.Redis.Tests.Faults;

/// <summary>An application whose Redis is down when it starts: it starts, enqueues fail at once, work begins once Redis is up.</summary>
public sealed class RedisDownAtStartTests
{
    // Far above what failing at once takes, and far below the command timeout the connection string sets: an
    // enqueue that waited in the client's backlog for a connection would take the full 30 s.
    private static readonly TimeSpan s_failsWithin = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WorkerHost_RedisDownWhenApplicationStarts_StartsFailsEnqueuesAtOnceThenRunsJobsOnceRedisIsUp()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);
        await server.StopAsync();
        var probe = new Probe();
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(server.ConnectionString + ",asyncTimeout=30000,syncTimeout=30000", o => o.KeyPrefix = "down-" + Guid.NewGuid().ToString("N"))
                .AddTestJobs()
                .Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(100)),
            s => s.AddSingleton(probe).AddHealthChecks().AddJobQueue());

        var watch = Stopwatch.StartNew();
        Func<Task> early = () => Deadline.Within(host.Client.EnqueueAsync(new RecordArgs("early")).AsTask(), "the enqueue while Redis is down", s_failsWithin);
        RedisConnectionException refused = (await early.Should().ThrowAsync<RedisConnectionException>()).Which;
        TimeSpan failedAfter = watch.Elapsed;
        HealthReport down = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await server.RestartAsync();
        JobId id = await EnqueueOnceConnectedAsync(host);
        JobInfo job = await host.WaitAsync(id);
        HealthReport up = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        refused.Message.Should().Contain($"127.0.0.1:{server.Port}", "the error names the store it could not reach");
        refused.CommandStatus.Should().BeOneOf([CommandStatus.WaitingToBeSent, CommandStatus.WaitingInBacklog], "the enqueue was never sent, so it did not run");
        failedAfter.Should().BeLessThan(s_failsWithin);
        job.State.Should().Be(JobState.Succeeded, "work begins by itself once Redis answers, without a restart");
        probe.Count("early").Should().Be(0);
        down.Status.Should().Be(HealthStatus.Unhealthy, "the health check reports the store unreachable");
        down.Entries["jobqueue"].Description.Should().Contain("cannot be reached");
        up.Status.Should().Be(HealthStatus.Healthy, "and reports it back once it answers");
        await host.Logs.WaitForAsync(e => e.EventId.Id == 5301 || e.EventId.Id == 1101, "the host to log what it waits for (5301 or 1101)");
    }

    private static async Task<JobId> EnqueueOnceConnectedAsync(TestHost host)
    {
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (true)
        {
            try
            {
                return await host.Client.EnqueueAsync(new RecordArgs("after"));
            }
            catch (RedisConnectionException) when (!deadline.IsCancellationRequested)
            {
                // StackExchange.Redis reconnects in the background and offers the store no wait for it; until then each
                // enqueue fails at once, so the test polls, briefly, as an application retrying a request would.
                await Task.Delay(20, deadline.Token);
            }
        }
    }
}
