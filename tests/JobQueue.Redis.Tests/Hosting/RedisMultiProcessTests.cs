using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Redis.Tests.Hosting;

[Collection(RedisCollection.Name)]
public sealed class RedisMultiProcessTests(RedisFixture fixture)
{
    [Fact]
    public async Task ThreeWorkerProcesses_OneKilledMidRun_EveryJobSucceedsAndOnlyInFlightJobsRunTwice()
    {
        string prefix = "kill-" + Guid.NewGuid().ToString("N")[..8];
        await using TestHost client = await TestHost.StartAsync(q => q
            .UseRedis(fixture.Server.ConnectionString, o => o.KeyPrefix = prefix)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        KillOneWorkerScenario.Result result = await KillOneWorkerScenario.RunAsync(
            client.Client, client.Storage, "redis", fixture.Server.ConnectionString, jobCount: 300, workerCount: 3,
            extra: new Dictionary<string, string> { ["prefix"] = prefix });

        Action check = () => KillOneWorkerAssertions.NothingLostDuplicatesOnlyInFlight(result);
        check.Should().NotThrow();
        result.Jobs.Should().HaveCount(300);
    }

    [Fact]
    public async Task ThreeWorkerProcesses_TwoThousandChildBatch_ReleasesSuccessCallbackOnce()
    {
        string prefix = "batch-" + Guid.NewGuid().ToString("N")[..8];
        await using TestHost client = await TestHost.StartAsync(q => q
            .UseRedis(fixture.Server.ConnectionString, o => o.KeyPrefix = prefix)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        BatchAcrossProcessesScenario.Result result = await BatchAcrossProcessesScenario.RunAsync(
            client.Client, "redis", fixture.Server.ConnectionString, extra: new Dictionary<string, string> { ["prefix"] = prefix });

        Action check = () => BatchAcrossProcessesAssertions.CallbackOnceAfterEveryChild(result);
        check.Should().NotThrow();
        result.Children.Should().HaveCount(2000);
    }
}
