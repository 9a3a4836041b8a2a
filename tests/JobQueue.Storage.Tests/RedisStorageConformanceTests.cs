namespace JobQueue.Storage.Tests;

/// <summary>The conformance suite on Redis: a real redis-server, a fresh key prefix per test.</summary>
[Collection(RedisStorageCollection.Name)]
public sealed class RedisStorageConformanceTests : StorageConformanceTests
{
    private readonly RedisStorageFixture _fixture;

    public RedisStorageConformanceTests(RedisStorageFixture fixture)
    {
        _fixture = fixture;
    }

    protected override Task<IJobStorage> CreateStorageAsync() => Task.FromResult(_fixture.CreateStorage());

    protected override Task DisposeStorageAsync(IJobStorage storage) => RedisStorageFixture.DisposeStorageAsync(storage);
}
