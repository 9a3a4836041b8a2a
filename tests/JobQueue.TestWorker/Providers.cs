namespace JobQueue.TestWorker;

/// <summary>Chooses the store by name; each provider adds its case when it lands.</summary>
internal static class Providers
{
    public static void Use(JobQueueBuilder q, string provider, string connection)
    {
        switch (provider)
        {
            case "postgres":
                // The schema travels as the connection string's Search Path: one argument for the test worker.
                string schema = new Npgsql.NpgsqlConnectionStringBuilder(connection).SearchPath ?? PostgresStorageOptions.DefaultSchema;
                q.UsePostgres(connection, o => o.Schema = schema);
                break;
            default:
                throw new ArgumentException($"Unknown provider '{provider}' (connection '{connection}').");
        }
    }
}
