namespace JobQueue.Storage.Tests;

/// <summary>The conformance suite on a real Redis Cluster, entered through a node that usually does not own the store's slot.</summary>
[Collection(RedisClusterStorageCollection.Name)]
public sealed class RedisClusterStorageConformanceTests : TextIdStorageConformanceTests
{
    private readonly RedisClusterStorageFixture _fixture;

    public RedisClusterStorageConformanceTests(RedisClusterStorageFixture fixture)
    {
        _fixture = fixture;
    }

    protected override Task<IJobStorage> CreateStorageAsync() => Task.FromResult(_fixture.CreateStorage());

    // A script on the prefix's slot deletes its keys on the node that owns it.
    protected override Task DisposeStorageAsync(IJobStorage storage) => RedisStorageFixture.DisposeStorageAsync(storage);

    protected override Task<string> DamageAsync(JobId id, Damage damage) => RedisDamage.ApplyAsync(Storage, id, damage);
}
