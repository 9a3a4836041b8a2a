using JobQueue.TestSupport;

namespace JobQueue.Sqlite.Tests.Hosting;

public sealed class SqliteFlowAcrossProcessesTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task FetchAsync_ThreeWorkerProcessesWithLimits_NeverExceedTheKeyGlobalOrRateLimitTogether()
    {
        await using TestHost client = await TestHost.StartAsync(q => FlowAcrossProcessesScenario.Register(q
            .UseSqlite(_database.FilePath)
            .Configure(o => o.RunWorker = false)));

        FlowAcrossProcessesScenario.Result result = await FlowAcrossProcessesScenario.RunAsync(client, "sqlite", _database.FilePath);

        Action check = () => FlowAcrossProcessesAssertions.LimitsHeld(result);
        check.Should().NotThrow();
        result.KeyedJobs.Should().HaveCount(FlowAcrossProcessesScenario.KeyedJobs);
    }
}
