namespace JobQueue.Storage.Tests.Engine;

/// <summary>The engine suite on Redis: real hosts over a real redis-server, a fresh key prefix per test.</summary>
[Collection(RedisStorageCollection.Name)]
public sealed class RedisEngineConformanceTests : DurableEngineConformanceTests
{
    private readonly RedisStorageFixture _fixture;

    public RedisEngineConformanceTests(RedisStorageFixture fixture)
    {
        _fixture = fixture;
    }

    protected override Task<IJobStorage> CreateStorageAsync() => Task.FromResult(_fixture.CreateStorage());

    protected override Task DisposeStorageAsync(IJobStorage storage) => RedisStorageFixture.DisposeStorageAsync(storage);

    protected override Task<string> DamageAsync(JobId id, Damage damage) => RedisDamage.ApplyAsync(Storage, id, damage);
}
