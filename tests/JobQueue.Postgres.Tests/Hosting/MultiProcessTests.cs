using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Npgsql;

namespace JobQueue.Postgres.Tests.Hosting;

/// <summary>Worker processes sharing one schema; each test gets a fresh schema, dropped afterwards.</summary>
public sealed class MultiProcessTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestStore.NewSchema();
    private PostgresServer? _server;

    private string Connection => _server!.ConnectionString;

    private Dictionary<string, string> WorkerOptions => new() { ["schema"] = _schema };

    public async Task InitializeAsync() => _server = await PostgresServer.SharedAsync();

    public async Task DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(Connection);
        await using NpgsqlCommand drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task ThreeWorkerProcesses_OneSigkilledMidRun_EveryJobSucceedsAndOnlyInFlightJobsRunTwice()
    {
        await using TestHost client = await StartClientAsync();

        KillOneWorkerScenario.Result result = await KillOneWorkerScenario.RunAsync(
            client.Client, client.Storage, "postgres", Connection, extra: WorkerOptions);

        Action check = () => KillOneWorkerAssertions.NothingLostDuplicatesOnlyInFlight(result);
        check.Should().NotThrow();
        result.Jobs.Should().HaveCount(300);
    }

    [Fact]
    public async Task ThreeWorkerProcesses_TwoThousandChildBatch_ReleasesSuccessCallbackOnce()
    {
        await using TestHost client = await StartClientAsync();

        BatchAcrossProcessesScenario.Result result = await BatchAcrossProcessesScenario.RunAsync(
            client.Client, "postgres", Connection, extra: WorkerOptions);

        Action check = () => BatchAcrossProcessesAssertions.CallbackOnceAfterEveryChild(result);
        check.Should().NotThrow();
        result.Children.Should().HaveCount(2000);
    }

    private Task<TestHost> StartClientAsync() => TestHost.StartAsync(q => q
        .UsePostgres(Connection, o => o.Schema = _schema)
        .AddJob<CountedJob>()
        .Configure(o => o.RunWorker = false));
}
