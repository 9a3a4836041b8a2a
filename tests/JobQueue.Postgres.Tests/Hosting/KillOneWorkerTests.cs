using JobQueue.Testing;
using JobQueue.Testing.Jobs;
using Npgsql;

namespace JobQueue.Postgres.Tests.Hosting;

public sealed class KillOneWorkerTests
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
            result = await KillOneWorkerScenario.RunAsync(client.Client, "postgres", connection,
                extra: new Dictionary<string, string> { ["schema"] = schema });
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
            await using NpgsqlCommand drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        result.Jobs.Should().HaveCount(300).And.AllSatisfy(j => j.State.Should().Be(JobState.Succeeded));
        result.FinishedJobs.Should().HaveCount(300, "every job's handler ran to its end at least once");
        foreach ((int job, IReadOnlyList<int> starts) in result.StartsByJob.Where(s => s.Value.Count > 1))
        {
            starts.Should().Contain(result.KilledProcessId, "job {0} ran more than once, so it must have been in flight in the killed worker", job);
        }
    }
}
