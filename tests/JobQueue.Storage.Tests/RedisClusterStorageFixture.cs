using JobQueue.Redis.Tests;
using JobQueue.TestSupport;

namespace JobQueue.Storage.Tests;

/// <summary>
/// One throwaway three-primary Redis Cluster for the conformance suite. Every store gets a fresh key prefix,
/// so a hash slot of its own, and enters through the first node: for about two prefixes in three that node
/// does not own the slot, and the store works through MOVED redirects.
/// </summary>
public sealed class RedisClusterStorageFixture : IAsyncLifetime
{
    private RedisCluster? _cluster;

    public async Task InitializeAsync() => _cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>A new store under a fresh key prefix, with a connection of its own that knows every node.</summary>
    public IJobStorage CreateStorage()
    {
        RedisCluster cluster = _cluster ?? throw new InvalidOperationException("The fixture has not started.");
        return RedisStores.Create(cluster.ConnectionString);
    }
}

[CollectionDefinition(Name)]
public sealed class RedisClusterStorageCollection : ICollectionFixture<RedisClusterStorageFixture>
{
    public const string Name = "redis-cluster-storage";
}
