namespace JobQueue.TestWorker;

/// <summary>Chooses the store by name, as the multi-process tests ask for it.</summary>
internal static class Providers
{
    public static void Use(JobQueueBuilder q, string provider, string connection, IReadOnlyDictionary<string, string> options)
    {
        switch (provider)
        {
            case "postgres":
                q.UsePostgres(connection, o => o.Schema = options.GetValueOrDefault("schema", PostgresStorageOptions.DefaultSchema));
                break;
            case "sqlite":
                q.UseSqlite(connection);
                break;
            case "redis":
                q.UseRedis(connection, o => o.KeyPrefix = options.GetValueOrDefault("prefix", "jobqueue"));
                break;
            default:
                throw new ArgumentException($"Unknown provider '{provider}': expected postgres, sqlite or redis.");
        }
    }
}
