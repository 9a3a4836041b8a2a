using JobQueue.Postgres.Storage;
using JobQueue.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace JobQueue.Storage.Tests.Postgres;

/// <summary>One PostgreSQL server and one connection pool for the test run; a fresh schema per test.</summary>
internal static class PostgresTestSchemas
{
    private static readonly Lazy<Task<NpgsqlDataSource>> s_dataSource = new(async () =>
        NpgsqlDataSource.Create((await PostgresServer.SharedAsync()).ConnectionString));

    /// <summary>The run's pool, for tests that reach a store's tables behind its back.</summary>
    public static Task<NpgsqlDataSource> DataSourceAsync() => s_dataSource.Value;

    public static async Task<IJobStorage> CreateAsync()
    {
        NpgsqlDataSource dataSource = await s_dataSource.Value;
        string schema = "c_" + Guid.NewGuid().ToString("N")[..16];
        var storage = new PostgresJobStorage(dataSource, ownsDataSource: false, new PostgresStorageOptions { Schema = schema }, NullLogger.Instance);
        await storage.EnsureSchemaAsync(CancellationToken.None);
        return storage;
    }

    public static async Task DropAsync(IJobStorage storage)
    {
        var postgres = (PostgresJobStorage)storage;
        await postgres.DisposeAsync();
        NpgsqlDataSource dataSource = await s_dataSource.Value;
        await using NpgsqlCommand drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {postgres.Schema} CASCADE");
        await drop.ExecuteNonQueryAsync();
    }
}
