using JobQueue.Postgres.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace JobQueue.Postgres.Tests;

/// <summary>A store on the run's shared server, in a schema of its own; dropping the schema ends it.</summary>
internal sealed class PostgresTestStore : IAsyncDisposable
{
    private PostgresTestStore(NpgsqlDataSource dataSource, string schema, PostgresJobStorage storage)
    {
        DataSource = dataSource;
        Schema = schema;
        Storage = storage;
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    public PostgresJobStorage Storage { get; }

    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..16];

    public static async Task<NpgsqlDataSource> SharedDataSourceAsync()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        return NpgsqlDataSource.Create(server.ConnectionString);
    }

    public static async Task<PostgresTestStore> CreateAsync(string? schema = null)
    {
        NpgsqlDataSource dataSource = await SharedDataSourceAsync();
        schema ??= NewSchema();
        var storage = new PostgresJobStorage(dataSource, ownsDataSource: false, new PostgresStorageOptions { Schema = schema }, NullLogger.Instance);
        await storage.EnsureSchemaAsync(CancellationToken.None);
        return new PostgresTestStore(dataSource, schema, storage);
    }

    /// <summary>Another store instance on the same schema, as another host would have.</summary>
    public PostgresJobStorage OtherHost() =>
        new(DataSource, ownsDataSource: false, new PostgresStorageOptions { Schema = Schema }, NullLogger.Instance);

    public async Task<long> ScalarAsync(string sql)
    {
        await using NpgsqlCommand command = DataSource.CreateCommand(sql.Replace("{s}", Schema, StringComparison.Ordinal));
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The plan of a store statement; parameters not given are null.</summary>
    public Task<string> ExplainAsync(string sql, params (string Name, object Value)[] parameters) =>
        ExplainCoreAsync(sql, generic: false, parameters);

    /// <summary>
    /// The plan a prepared statement settles on after its first executions: one made without the parameters'
    /// values (array sizes, queue names), which is what auto-prepared store statements run with.
    /// </summary>
    public Task<string> ExplainGenericAsync(string sql, params (string Name, object Value)[] parameters) =>
        ExplainCoreAsync(sql, generic: true, parameters);

    private async Task<string> ExplainCoreAsync(string sql, bool generic, (string Name, object Value)[] parameters)
    {
        // Inside a transaction that is rolled back: EXPLAIN of an UPDATE plans it without running it, but be safe.
        await using NpgsqlConnection connection = await DataSource.OpenConnectionAsync();
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync();
        if (generic)
        {
            await using var mode = new NpgsqlCommand("SET LOCAL plan_cache_mode = force_generic_plan", connection, transaction);
            await mode.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand("EXPLAIN " + sql, connection, transaction);
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        foreach (string name in new[] { "now", "lease_token", "lease_expires_at", "worker_id" })
        {
            if (!command.Parameters.Contains(name))
            {
                command.Parameters.Add(new NpgsqlParameter(name, name switch
                {
                    "lease_token" => NpgsqlTypes.NpgsqlDbType.Uuid,
                    "worker_id" => NpgsqlTypes.NpgsqlDbType.Text,
                    _ => NpgsqlTypes.NpgsqlDbType.TimestampTz,
                }) { Value = DBNull.Value });
            }
        }

        var plan = new System.Text.StringBuilder();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.AppendLine(reader.GetString(0));
        }

        return plan.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Storage.DisposeAsync();
        await using (NpgsqlCommand drop = DataSource.CreateCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await DataSource.DisposeAsync();
    }
}

/// <summary>Builds storage requests with sensible defaults.</summary>
internal static class Requests
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static NewJob Job(string queue = "default", int priority = 0, DateTimeOffset? runAt = null, string? key = null,
        BatchId? batchId = null, int maxAttempts = 3) => new()
    {
        Id = JobId.New(),
        Name = "test-job",
        Queue = queue,
        Priority = priority,
        Arguments = "{\"n\":1}"u8.ToArray(),
        MaxAttempts = maxAttempts,
        Timeout = TimeSpan.FromSeconds(30),
        RetryDelay = TimeSpan.FromSeconds(1),
        RunAt = runAt ?? Now,
        IdempotencyKey = key,
        BatchId = batchId,
    };

    public static EnqueueRequest Enqueue(params NewJob[] jobs) => new() { Jobs = jobs, Now = Now };

    public static FetchRequest Fetch(string queue = "default", int limit = 10, DateTimeOffset? now = null) => new()
    {
        Queue = queue,
        Limit = limit,
        Now = now ?? Now,
        LeaseToken = Guid.NewGuid(),
        LeaseExpiresAt = (now ?? Now).AddMinutes(1),
        WorkerId = "test-worker",
    };

    public static JobCompletion Completion(StoredJob job) => new()
    {
        Id = job.Id,
        LeaseToken = job.LeaseToken!.Value,
        Now = Now.AddSeconds(1),
    };
}
