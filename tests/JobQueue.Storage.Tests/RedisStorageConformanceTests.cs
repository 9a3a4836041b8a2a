namespace JobQueue.Storage.Tests;

/// <summary>The conformance suite on Redis: a real redis-server, a fresh key prefix per test.</summary>
[Collection(RedisStorageCollection.Name)]
public sealed class RedisStorageConformanceTests : TextIdStorageConformanceTests
{
    private readonly RedisStorageFixture _fixture;

    public RedisStorageConformanceTests(RedisStorageFixture fixture)
    {
        _fixture = fixture;
    }

    protected override Task<IJobStorage> CreateStorageAsync() => Task.FromResult(_fixture.CreateStorage());

    protected override Task DisposeStorageAsync(IJobStorage storage) => RedisStorageFixture.DisposeStorageAsync(storage);

    protected override Task<string> DamageAsync(JobId id, Damage damage) => RedisDamage.ApplyAsync(Storage, id, damage);
}
