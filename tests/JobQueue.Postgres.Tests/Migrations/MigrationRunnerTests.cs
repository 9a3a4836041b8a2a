using JobQueue.Postgres.Migrations;
using JobQueue.Postgres.Storage;
using JobQueue.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace JobQueue.Postgres.Tests.Migrations;

public sealed class MigrationRunnerTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestStore.NewSchema();
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync() => _dataSource = await PostgresTestStore.SharedDataSourceAsync();

    public async Task DisposeAsync()
    {
        await using (NpgsqlCommand drop = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task MigrateAsync_TenHostsAtOnce_AppliesEachVersionOnce()
    {
        // Separate data sources: ten hosts, ten pools, all racing for the same empty schema.
        NpgsqlDataSource[] hosts = [.. Enumerable.Range(0, 10).Select(_ => NpgsqlDataSource.Create(_dataSource.ConnectionString))];
        try
        {
            IReadOnlyList<int>[] applied = await Task.WhenAll(hosts.Select(h =>
                Task.Run(() => MigrationRunner.MigrateAsync(h, _schema, CancellationToken.None))));

            applied.SelectMany(a => a).Should().Equal(MigrationCatalog.All.Select(m => m.Version));
            (await CountAsync($"SELECT count(*) FROM {_schema}.schema_migrations")).Should().Be(MigrationCatalog.All.Count);
        }
        finally
        {
            foreach (NpgsqlDataSource host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task GetScript_AppliedByHandTwice_GivesAWorkingSchemaWithoutMigrations()
    {
        string script = PostgresMigrations.GetScript(_schema);

        for (int run = 0; run < 2; run++)
        {
            await using NpgsqlCommand apply = _dataSource.CreateCommand(script);
            await apply.ExecuteNonQueryAsync();
        }

        await using var storage = new PostgresJobStorage(_dataSource, ownsDataSource: false,
            new PostgresStorageOptions { Schema = _schema, ApplyMigrations = false }, NullLogger.Instance);
        NewJob job = Requests.Job();
        await storage.EnqueueAsync(Requests.Enqueue(job), CancellationToken.None);
        (await storage.FetchAsync(Requests.Fetch(), CancellationToken.None)).Should().ContainSingle().Which.Id.Should().Be(job.Id);
        (await CountAsync($"SELECT count(*) FROM {_schema}.schema_migrations")).Should().Be(MigrationCatalog.All.Count);
    }

    [Fact]
    public void GetScript_UnsafeSchemaName_ThrowsNamingTheSetting()
    {
        Action act = () => PostgresMigrations.GetScript("jobs; DROP TABLE users");

        act.Should().Throw<ArgumentException>().WithMessage("*PostgresStorageOptions.Schema*");
    }

    private async Task<long> CountAsync(string sql)
    {
        await using NpgsqlCommand command = _dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
