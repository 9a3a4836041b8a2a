using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Redis.Tests.Hosting;

[Collection(RedisCollection.Name)]
public sealed class RedisPauseAcrossProcessesTests(RedisFixture fixture)
{
    [Fact]
    public async Task PauseQueueAsync_FromThisProcess_WorkerProcessFinishesItsJobAndStartsNoneUntilTheResume()
    {
        string prefix = "pause-" + Guid.NewGuid().ToString("N")[..8];
        await using TestHost client = await TestHost.StartAsync(q => q
            .UseRedis(fixture.Server.ConnectionString, o => o.KeyPrefix = prefix)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        PauseAcrossProcessesScenario.Result result = await PauseAcrossProcessesScenario.RunAsync(
            client, "redis", fixture.Server.ConnectionString, extra: new Dictionary<string, string> { ["prefix"] = prefix });

        Action check = () => PauseAcrossProcessesAssertions.RunningFinishedHeldWaitedForTheResume(result);
        check.Should().NotThrow();
        result.HeldAfterResume.Should().HaveCount(10);
    }
}
