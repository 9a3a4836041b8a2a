using Npgsql;

namespace JobQueue.Postgres.Migrations;

/// <summary>Applies missing schema versions, once, however many hosts start together.</summary>
internal static class MigrationRunner
{
    /// <summary>Brings <paramref name="schema"/> to the latest version; returns the versions this call applied.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Every host takes the same transaction-scoped lock first: the second host waits, then finds the versions
        // recorded and applies nothing. DDL is transactional in PostgreSQL, so a failed step leaves no half schema,
        // and the lock is released by commit or rollback even if this process dies.
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationCatalog.LockKey(schema)})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, MigrationCatalog.Bootstrap(schema), cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<int>();
        await using (var command = new NpgsqlCommand(MigrationCatalog.AppliedVersions(schema), connection))
        await using (NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var ran = new List<int>();
        foreach (Migration migration in MigrationCatalog.All.Where(m => !applied.Contains(m.Version)))
        {
            await ExecuteAsync(connection, migration.Sql(schema), cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand(MigrationCatalog.Record(schema), connection);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("description", migration.Description);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            ran.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ran;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
