using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Redis.Tests.Sentinel;

/// <summary>The store behind Sentinel: the connection string names the Sentinel and the service, not the primary.</summary>
public sealed class RedisSentinelTests
{
    [Fact]
    public async Task WorkerHost_ConnectionStringNamesSentinelAndService_RunsJobOnThePrimary()
    {
        await using RedisSentinel sentinel = await RedisSentinel.StartAsync();
        string prefix = "sentinel-" + Guid.NewGuid().ToString("N");
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(sentinel.ConnectionString, o => o.KeyPrefix = prefix).AddTestJobs(),
            s => s.AddSingleton(new Probe()));

        JobInfo job = await host.WaitAsync(await host.Client.EnqueueAsync(new AddArgs(20, 22)));
        string type = await RedisCluster.CommandAsync(sentinel.Primary.Port, "TYPE {" + prefix + "}:job:" + job.Id, Deadline.Token());

        job.State.Should().Be(JobState.Succeeded);
        job.GetResult<Sum>().Should().Be(new Sum(42));
        type.Should().Be("hash", "the job was written on the primary the Sentinel named");
    }
}
