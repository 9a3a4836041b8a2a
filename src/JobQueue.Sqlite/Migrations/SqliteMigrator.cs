using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Migrations;

/// <summary>Brings a database to the latest schema, once, even when several processes start together.</summary>
internal static class SqliteMigrator
{
    /// <summary>Applies the missing migrations in one BEGIN IMMEDIATE transaction.</summary>
    /// <remarks>
    /// <para>The write lock is taken before the versions are read, so two processes starting together serialize: the
    /// second waits (busy_timeout), then reads the versions the first recorded and applies nothing.</para>
    /// <para>Every version not recorded is applied, not only those above the highest: a database may have a later
    /// version and lack an earlier one (versions are numbered in advance for work done in parallel), and each
    /// migration applies on its own.</para>
    /// </remarks>
    /// <returns>The versions this call applied, in order; empty when the database was current.</returns>
    /// <exception cref="InvalidOperationException">The database is newer than this package.</exception>
    public static IReadOnlyList<int> Migrate(SqliteConnection connection, string dataSource)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, SqliteMigrations.VersionTableSql);
        int current = ReadVersion(connection, transaction);
        ThrowIfNewer(current, dataSource);
        HashSet<int> applied = ReadVersions(connection, transaction);
        var appliedNow = new List<int>();
        foreach (SqliteMigration migration in SqliteMigrations.All)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            Execute(connection, transaction, migration.Sql);
            using SqliteCommand record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = SqliteMigrations.RecordVersionSql;
            record.Parameters.AddWithValue("$version", migration.Version);
            record.ExecuteNonQuery();
            appliedNow.Add(migration.Version);
        }

        transaction.Commit();
        return appliedNow;
    }

    /// <summary>Checks, without writing, that the database is at the latest version (ApplyMigrations off).</summary>
    public static void Verify(SqliteConnection connection, string dataSource)
    {
        using SqliteCommand exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'jobqueue_schema_version';";
        int current = Convert.ToInt32(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0
            ? 0
            : ReadVersion(connection, transaction: null);
        ThrowIfNewer(current, dataSource);
        // A later version recorded does not mean the earlier ones are: each version is checked on its own.
        HashSet<int> applied = current == 0 ? [] : ReadVersions(connection, transaction: null);
        int[] missing = [.. SqliteMigrations.All.Select(m => m.Version).Where(v => !applied.Contains(v))];
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"The SQLite database '{dataSource}' has JobQueue schema version {current}, but version {JobQueueSqliteSchema.LatestVersion} is needed (missing: {string.Join(", ", missing)}) and SqliteStorageOptions.ApplyMigrations is false. Apply JobQueueSqliteSchema.GetMigrationScript({current}) or set ApplyMigrations to true.");
        }
    }

    private static HashSet<int> ReadVersions(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM jobqueue_schema_version;";
        using SqliteDataReader reader = command.ExecuteReader();
        var versions = new HashSet<int>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static int ReadVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteMigrations.CurrentVersionSql;
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void ThrowIfNewer(int current, string dataSource)
    {
        if (current > JobQueueSqliteSchema.LatestVersion)
        {
            throw new InvalidOperationException(
                $"The SQLite database '{dataSource}' has JobQueue schema version {current}, newer than version {JobQueueSqliteSchema.LatestVersion} that this JobQueue.Sqlite knows. Upgrade the JobQueue.Sqlite package.");
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
