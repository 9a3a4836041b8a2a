using JobQueue.Sqlite.Migrations;

namespace JobQueue;

/// <summary>The JobQueue tables in a SQLite database, for applying migrations by hand.</summary>
public static class JobQueueSqliteSchema
{
    /// <summary>The schema version this package reads and writes.</summary>
    public static int LatestVersion => SqliteMigrations.All[^1].Version;

    /// <summary>
    /// Returns SQL that brings a database from <paramref name="fromVersion"/> to <see cref="LatestVersion"/> and
    /// records each version applied, for use with <see cref="SqliteStorageOptions.ApplyMigrations"/> set to false.
    /// Run it in one transaction. The tables are named jobqueue_*, so they can share a file with your own.
    /// </summary>
    /// <param name="fromVersion">The version the database is at; 0 for a database without JobQueue tables.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromVersion"/> is negative or above <see cref="LatestVersion"/>.</exception>
    public static string GetMigrationScript(int fromVersion = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromVersion, LatestVersion);
        return SqliteMigrations.BuildScript(fromVersion);
    }
}
