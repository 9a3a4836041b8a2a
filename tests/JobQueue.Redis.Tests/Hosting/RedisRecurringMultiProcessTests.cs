using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Redis.Tests.Hosting;

[Collection(RedisCollection.Name)]
public sealed class RedisRecurringMultiProcessTests(RedisFixture fixture)
{
    [Fact]
    public async Task ThreeWorkerProcesses_EverySecondSchedule_EachOccurrenceRunsOnceNoneMissing()
    {
        string prefix = "recurring-" + Guid.NewGuid().ToString("N")[..8];
        await using TestHost client = await TestHost.StartAsync(q => q
            .UseRedis(fixture.Server.ConnectionString, o => o.KeyPrefix = prefix)
            .AddJob<TickJob>()
            .Configure(o => o.RunWorker = false));

        RecurringAcrossProcessesScenario.Result result = await RecurringAcrossProcessesScenario.RunAsync(
            client, "redis", fixture.Server.ConnectionString, new Dictionary<string, string> { ["prefix"] = prefix });

        Action check = () => RecurringAcrossProcessesAssertions.EveryOccurrenceOnceNoneMissing(result);
        check.Should().NotThrow();
        result.Jobs.Count.Should().BeGreaterThanOrEqualTo(9);
    }
}
