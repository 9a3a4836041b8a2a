using JobQueue.Client;

namespace JobQueue.Storage;

/// <summary>For storage packages: a client that writes through another store view, such as one bound to the caller's transaction.</summary>
public static class JobClientStorageExtensions
{
    /// <summary>
    /// Returns a client with the same registrations and options as <paramref name="client"/> whose calls go to
    /// <paramref name="storage"/>. A provider uses it to offer transactional enqueue: its storage view runs
    /// <see cref="IJobStorage.EnqueueAsync"/> on the caller's connection and transaction.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="client"/> is not the client AddJobQueue registered.</exception>
    public static IJobClient WithStorage(this IJobClient client, IJobStorage storage)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(storage);
        return client is JobClient jobClient
            ? jobClient.WithStorage(storage)
            : throw new ArgumentException("WithStorage needs the IJobClient registered by AddJobQueue.", nameof(client));
    }
}
