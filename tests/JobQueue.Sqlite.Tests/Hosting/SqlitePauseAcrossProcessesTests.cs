using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Sqlite.Tests.Hosting;

public sealed class SqlitePauseAcrossProcessesTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task PauseQueueAsync_FromThisProcess_WorkerProcessFinishesItsJobAndStartsNoneUntilTheResume()
    {
        await using TestHost client = await TestHost.StartAsync(q => q
            .UseSqlite(_database.FilePath)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        PauseAcrossProcessesScenario.Result result = await PauseAcrossProcessesScenario.RunAsync(client, "sqlite", _database.FilePath);

        Action check = () => PauseAcrossProcessesAssertions.RunningFinishedHeldWaitedForTheResume(result);
        check.Should().NotThrow();
        result.HeldAfterResume.Should().HaveCount(10);
    }
}
