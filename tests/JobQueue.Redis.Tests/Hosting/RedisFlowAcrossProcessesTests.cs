using JobQueue.TestSupport;

namespace JobQueue.Redis.Tests.Hosting;

[Collection(RedisCollection.Name)]
public sealed class RedisFlowAcrossProcessesTests(RedisFixture fixture)
{
    [Fact]
    public async Task FlowLimits_ThreeWorkerProcessesOnOneStore_NeverExceedTheKeyGlobalOrRateLimits()
    {
        string prefix = "flow-" + Guid.NewGuid().ToString("N")[..8];
        await using TestHost client = await TestHost.StartAsync(q => FlowAcrossProcessesScenario.Register(q
            .UseRedis(fixture.Server.ConnectionString, o => o.KeyPrefix = prefix)
            .Configure(o => o.RunWorker = false)));

        FlowAcrossProcessesScenario.Result result = await FlowAcrossProcessesScenario.RunAsync(
            client, "redis", fixture.Server.ConnectionString, extra: new Dictionary<string, string> { ["prefix"] = prefix });

        Action check = () => FlowAcrossProcessesAssertions.LimitsHeld(result);
        check.Should().NotThrow();
        result.RatedJobs.Should().HaveCount(FlowAcrossProcessesScenario.RatedJobs);
    }
}
