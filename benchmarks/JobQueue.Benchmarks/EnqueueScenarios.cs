namespace JobQueue.Benchmarks;

/// <summary>The three enqueue shapes, shared by the in-memory and the durable suites.</summary>
internal static class EnqueueScenarios
{
    public const int Awaited = 100;
    public const int InFlight = 100;
    public const int Bulk = 1_000;

    private static readonly NoopArgs[] s_bulk = Enumerable.Range(0, Bulk).Select(i => new NoopArgs(Guid.NewGuid(), "job-" + i)).ToArray();
    private static readonly NoopArgs s_one = new(Guid.NewGuid(), "job");

    /// <summary>One caller, each enqueue awaited before the next: pure round-trip cost.</summary>
    public static async Task AwaitedAsync(IJobClient client)
    {
        for (int i = 0; i < Awaited; i++)
        {
            await client.EnqueueAsync(s_one).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// 100 callers, each on its own thread-pool task, all started before any is awaited: what a busy web app does,
    /// and what lets a store coalesce enqueues into shared round trips.
    /// </summary>
    public static Task InFlightAsync(IJobClient client)
    {
        var callers = new Task[InFlight];
        for (int i = 0; i < callers.Length; i++)
        {
            callers[i] = Task.Run(() => client.EnqueueAsync(s_one).AsTask());
        }

        return Task.WhenAll(callers);
    }

    public static async Task BulkAsync(IJobClient client) => await client.EnqueueManyAsync(s_bulk).ConfigureAwait(false);
}
