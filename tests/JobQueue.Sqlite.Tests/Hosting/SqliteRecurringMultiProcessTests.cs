using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Sqlite.Tests.Hosting;

public sealed class SqliteRecurringMultiProcessTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ThreeWorkerProcesses_EverySecondSchedule_EachOccurrenceRunsOnceNoneMissing()
    {
        await using TestHost client = await TestHost.StartAsync(q => q
            .UseSqlite(_database.FilePath)
            .AddJob<TickJob>()
            .Configure(o => o.RunWorker = false));

        RecurringAcrossProcessesScenario.Result result = await RecurringAcrossProcessesScenario.RunAsync(client, "sqlite", _database.FilePath);

        Action check = () => RecurringAcrossProcessesAssertions.EveryOccurrenceOnceNoneMissing(result);
        check.Should().NotThrow();
        result.Jobs.Count.Should().BeGreaterThanOrEqualTo(9);
    }
}
