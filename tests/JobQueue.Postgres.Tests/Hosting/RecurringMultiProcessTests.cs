using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Npgsql;

namespace JobQueue.Postgres.Tests.Hosting;

/// <summary>Worker processes sharing one schema and one every-second schedule; the schema is dropped afterwards.</summary>
public sealed class RecurringMultiProcessTests : IAsyncLifetime
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
    public async Task ThreeWorkerProcesses_EverySecondSchedule_EachOccurrenceRunsOnceNoneMissing()
    {
        await using TestHost client = await TestHost.StartAsync(q => q
            .UsePostgres(Connection, o => o.Schema = _schema)
            .AddJob<TickJob>()
            .Configure(o => o.RunWorker = false));

        RecurringAcrossProcessesScenario.Result result = await RecurringAcrossProcessesScenario.RunAsync(
            client, "postgres", Connection, new Dictionary<string, string> { ["schema"] = _schema });

        Action check = () => RecurringAcrossProcessesAssertions.EveryOccurrenceOnceNoneMissing(result);
        check.Should().NotThrow();
        result.Jobs.Count.Should().BeGreaterThanOrEqualTo(9);
    }
}
