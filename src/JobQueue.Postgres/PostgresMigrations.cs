using System.Text;
using JobQueue.Postgres.Migrations;

namespace JobQueue;

/// <summary>The SQL of JobQueue's PostgreSQL schema, for teams whose DBAs apply migrations by hand.</summary>
public static class PostgresMigrations
{
    /// <summary>The newest schema version this package knows.</summary>
    public static int LatestVersion => MigrationCatalog.All[^1].Version;

    /// <summary>
    /// Returns a script that creates or upgrades the schema to <see cref="LatestVersion"/>, one transaction per
    /// version, skipping versions already applied. Apply it with psql, then set
    /// <see cref="PostgresStorageOptions.ApplyMigrations"/> to false.
    /// </summary>
    /// <param name="schema">The schema name; defaults to "jobqueue".</param>
    /// <exception cref="ArgumentException">The schema name is not a plain lower-case identifier.</exception>
    public static string GetScript(string schema = PostgresStorageOptions.DefaultSchema)
    {
        PostgresStorageOptions.ValidateSchema(schema);
        var script = new StringBuilder();
        script.AppendLine($"-- JobQueue schema '{schema}', up to version {LatestVersion}. Safe to run again: applied versions are skipped.");
        script.AppendLine(MigrationCatalog.Bootstrap(schema));
        foreach (Migration migration in MigrationCatalog.All)
        {
            // A DO block cannot hold the DDL conditionally without dynamic SQL, so each version is guarded in plpgsql.
            script.AppendLine($"-- Version {migration.Version}: {migration.Description}");
            script.AppendLine("BEGIN;");
            script.AppendLine($"SELECT pg_advisory_xact_lock({MigrationCatalog.LockKey(schema)});");
            script.AppendLine("DO $jobqueue$");
            script.AppendLine("BEGIN");
            script.AppendLine($"  IF NOT EXISTS (SELECT 1 FROM {schema}.schema_migrations WHERE version = {migration.Version}) THEN");
            script.AppendLine($"    EXECUTE $sql${migration.Sql(schema)}$sql$;");
            script.AppendLine($"    INSERT INTO {schema}.schema_migrations (version, description) VALUES ({migration.Version}, '{migration.Description.Replace("'", "''", StringComparison.Ordinal)}');");
            script.AppendLine("  END IF;");
            script.AppendLine("END");
            script.AppendLine("$jobqueue$;");
            script.AppendLine("COMMIT;");
        }

        return script.ToString();
    }
}
