using JobQueue.Redis.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace JobQueue.Redis.Tests;

/// <summary>
/// Redis stores as the tests build them, each under a fresh key prefix with a connection of its own, and the raw
/// access tests need beside the store. Shared with tests/JobQueue.Storage.Tests as a linked file.
/// </summary>
internal static class RedisStores
{
    /// <summary>A store over a connection it makes and owns, as <c>UseRedis(connectionString)</c> builds it.</summary>
    public static RedisJobStorage Create(string connectionString, string? prefix = null)
        => Create(RedisConnectionString.Parse(connectionString), new RedisStorageOptions { KeyPrefix = prefix ?? "t" + Guid.NewGuid().ToString("N") });

    /// <summary>
    /// A store over a connection it makes and owns from <paramref name="configuration"/> (which it changes, as
    /// <c>UseRedis</c> changes its own copy), for tests that set what a connection string cannot: TLS options,
    /// a reconnect policy, a logger.
    /// </summary>
    public static RedisJobStorage Create(ConfigurationOptions configuration, RedisStorageOptions options, ILogger? logger = null)
    {
        RedisConnection.Validate(configuration, options);
        logger ??= NullLogger.Instance;
        return new RedisJobStorage(RedisConnection.Own(configuration, options, logger), options, logger);
    }

    /// <summary>The store's own database, connecting first if it has not yet.</summary>
    public static async Task<IDatabase> DatabaseAsync(RedisJobStorage storage)
        => (await storage.Connection.GetAsync()).GetDatabase();

    /// <summary>
    /// Deletes every key under the store's prefix, then closes the store. A script on the prefix's slot does it,
    /// so it works the same on a single server and on a cluster node.
    /// </summary>
    public static async Task DisposeAsync(RedisJobStorage storage)
    {
        try
        {
            IDatabase database = await DatabaseAsync(storage);
            const string DeleteByPrefix = """
                local cursor, deleted = '0', 0
                repeat
                  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
                  cursor = page[1]
                  for _, key in ipairs(page[2]) do redis.call('UNLINK', key); deleted = deleted + 1 end
                until cursor == '0'
                return deleted
                """;
            string pattern = storage.Prefix.Replace("{", "\\{", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal) + "*";
            await database.ScriptEvaluateAsync(DeleteByPrefix, [storage.Prefix + "jobs"], [pattern]);
        }
        finally
        {
            await storage.DisposeAsync();
        }
    }
}
