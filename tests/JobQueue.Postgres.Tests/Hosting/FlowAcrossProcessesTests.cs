using JobQueue.TestSupport;
using Npgsql;

namespace JobQueue.Postgres.Tests.Hosting;

/// <summary>Three worker processes share per-key, global and rate limits on one schema; a fresh schema per test, dropped afterwards.</summary>
public sealed class FlowAcrossProcessesTests : IAsyncLifetime
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
    public async Task FlowLimits_ThreeWorkerProcesses_NeverExceedTheKeyGlobalOrRateLimits()
    {
        await using TestHost client = await TestHost.StartAsync(q => FlowAcrossProcessesScenario.Register(q
            .UsePostgres(Connection, o => o.Schema = _schema)
            .Configure(o => o.RunWorker = false)));

        FlowAcrossProcessesScenario.Result result = await FlowAcrossProcessesScenario.RunAsync(
            client, "postgres", Connection, extra: new Dictionary<string, string> { ["schema"] = _schema });

        Action check = () => FlowAcrossProcessesAssertions.LimitsHeld(result);
        check.Should().NotThrow();
        result.KeyedJobs.Should().HaveCount(FlowAcrossProcessesScenario.KeyedJobs);
    }
}
