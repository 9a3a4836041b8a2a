using JobQueue.Redis.Storage;
using JobQueue.Redis.Tests;
using JobQueue.TestSupport;

namespace JobQueue.Storage.Tests;

/// <summary>
/// One throwaway redis-server (or JOBQUEUE_TEST_REDIS) for the Redis conformance classes. Each store gets a
/// key prefix of its own, so tests are isolated without flushing the server.
/// </summary>
public sealed class RedisStorageFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A new store under a fresh key prefix, with a connection of its own.</summary>
    public IJobStorage CreateStorage()
    {
        RedisServer server = _server ?? throw new InvalidOperationException("The fixture has not started.");
        return RedisStores.Create(server.ConnectionString);
    }

    /// <summary>Deletes the store's keys and closes its connection.</summary>
    public static Task DisposeStorageAsync(IJobStorage storage) => RedisStores.DisposeAsync((RedisJobStorage)storage);
}

[CollectionDefinition(Name)]
public sealed class RedisStorageCollection : ICollectionFixture<RedisStorageFixture>
{
    public const string Name = "redis-storage";
}
