using JobQueue.Testing;
using JobQueue.Testing.Jobs;
using Npgsql;

namespace JobQueue.Postgres.Tests.Hosting;

public sealed class MultiProcessTests
{
    [Fact]
    public async Task ThreeWorkerProcesses_OneSigkilledMidRun_EveryJobSucceedsAndOnlyInFlightJobsRunTwice()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresTestStore.NewSchema();
        string connection = server.ConnectionString;
        await using TestHost client = await TestHost.StartAsync(q => q
            .UsePostgres(connection, o => o.Schema = schema)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        KillOneWorkerScenario.Result result;
        try
        {
            result = await KillOneWorkerScenario.RunAsync(client.Client, client.Storage, "postgres", connection,
                extra: new Dictionary<string, string> { ["schema"] = schema });
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
            await using NpgsqlCommand drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        Action check = () => KillOneWorkerAssertions.NothingLostDuplicatesOnlyInFlight(result);
        check.Should().NotThrow();
        result.Jobs.Should().HaveCount(300);
    }

    [Fact]
    public async Task ThreeWorkerProcesses_TwoThousandChildBatch_ReleasesSuccessCallbackOnce()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresTestStore.NewSchema();
        string connection = server.ConnectionString;
        await using TestHost client = await TestHost.StartAsync(q => q
            .UsePostgres(connection, o => o.Schema = schema)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        BatchAcrossProcessesScenario.Result result;
        try
        {
            result = await BatchAcrossProcessesScenario.RunAsync(client.Client, "postgres", connection,
                extra: new Dictionary<string, string> { ["schema"] = schema });
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
            await using NpgsqlCommand drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        Action check = () => BatchAcrossProcessesAssertions.CallbackOnceAfterEveryChild(result);
        check.Should().NotThrow();
        result.Children.Should().HaveCount(2000);
    }
}
