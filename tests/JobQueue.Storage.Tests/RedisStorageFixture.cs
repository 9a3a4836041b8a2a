using JobQueue.Redis;
using JobQueue.Redis.Resp;
using JobQueue.Testing;

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

    /// <summary>A new store under a fresh key prefix, with a client of its own.</summary>
    public IJobStorage CreateStorage()
    {
        RedisServer server = _server ?? throw new InvalidOperationException("The fixture has not started.");
        var client = new RedisClient(RedisConnectionOptions.Parse(server.ConnectionString));
        return new RedisJobStorage(client, new RedisStorageOptions { KeyPrefix = "t" + Guid.NewGuid().ToString("N") }, ownsClient: true);
    }

    /// <summary>Deletes the store's keys and closes its connections.</summary>
    public static async Task DisposeStorageAsync(IJobStorage storage)
    {
        var redis = (RedisJobStorage)storage;
        try
        {
            // SCAN + DEL: bounded per call, and only this test's prefix.
            string cursor = "0";
            do
            {
                RespValue page = await redis.Client.ExecuteAsync(new RespCommand("SCAN").Add(cursor).Add("MATCH").Add(redis.Prefix.Replace("{", "\\{").Replace("}", "\\}") + "*").Add("COUNT").Add(500), CancellationToken.None);
                cursor = page.Items[0].AsString()!;
                IReadOnlyList<RespValue> keys = page.Items[1].Items;
                if (keys.Count > 0)
                {
                    var del = new RespCommand("DEL");
                    foreach (RespValue key in keys)
                    {
                        del.Add(key.Bytes);
                    }

                    await redis.Client.ExecuteAsync(del, CancellationToken.None);
                }
            }
            while (cursor != "0");
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisStorageCollection : ICollectionFixture<RedisStorageFixture>
{
    public const string Name = "redis-storage";
}
