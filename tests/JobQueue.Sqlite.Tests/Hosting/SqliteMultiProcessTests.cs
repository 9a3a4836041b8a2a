using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Sqlite.Tests.Hosting;

public sealed class SqliteMultiProcessTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task TwoWorkerProcesses_OneKilledMidRun_EveryJobSucceedsAndOnlyInFlightJobsRunTwice()
    {
        await using TestHost client = await TestHost.StartAsync(q => q
            .UseSqlite(_database.FilePath)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        KillOneWorkerScenario.Result result = await KillOneWorkerScenario.RunAsync(
            client.Client, client.Storage, "sqlite", _database.FilePath, jobCount: 200, workerCount: 2);

        Action check = () => KillOneWorkerAssertions.NothingLostDuplicatesOnlyInFlight(result);
        check.Should().NotThrow();
        result.Jobs.Should().HaveCount(200);
    }

    [Fact]
    public async Task ThreeWorkerProcesses_TwoThousandChildBatch_ReleasesSuccessCallbackOnce()
    {
        await using TestHost client = await TestHost.StartAsync(q => q
            .UseSqlite(_database.FilePath)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        BatchAcrossProcessesScenario.Result result = await BatchAcrossProcessesScenario.RunAsync(client.Client, "sqlite", _database.FilePath);

        Action check = () => BatchAcrossProcessesAssertions.CallbackOnceAfterEveryChild(result);
        check.Should().NotThrow();
        result.Children.Should().HaveCount(2000);
    }
}
