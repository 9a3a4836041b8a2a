namespace JobQueue.TestWorker;

/// <summary>Chooses the store by name; each provider adds its case when it lands.</summary>
internal static class Providers
{
    public static void Use(JobQueueBuilder q, string provider, string connection)
    {
        switch (provider)
        {
            default:
                throw new ArgumentException($"Unknown provider '{provider}' (connection '{connection}').");
        }
    }
}
