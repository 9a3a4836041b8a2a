using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Npgsql;

namespace JobQueue.Postgres.Tests.Hosting;

/// <summary>This process pauses a queue that a worker process works; a fresh schema per test, dropped afterwards.</summary>
public sealed class PauseAcrossProcessesTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestStore.NewSchema();
    private PostgresServer? _server;

    private string Connection => _server!.ConnectionString;

    public async Task InitializeAsync() => _server = await PostgresServer.SharedAsync();

    public async Task DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(Connection);
        await using NpgsqlCommand drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task PauseQueueAsync_FromThisProcess_WorkerProcessFinishesItsJobAndStartsNoneUntilTheResume()
    {
        await using TestHost client = await TestHost.StartAsync(q => q
            .UsePostgres(Connection, o => o.Schema = _schema)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        PauseAcrossProcessesScenario.Result result = await PauseAcrossProcessesScenario.RunAsync(
            client, "postgres", Connection, extra: new Dictionary<string, string> { ["schema"] = _schema });

        Action check = () => PauseAcrossProcessesAssertions.RunningFinishedHeldWaitedForTheResume(result);
        check.Should().NotThrow();
        result.HeldAfterResume.Should().HaveCount(10);
    }
}
