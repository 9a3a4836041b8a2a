using JobQueue.Redis;
using JobQueue.Redis.Resp;

namespace JobQueue;

/// <summary>Adds the Redis store to <c>AddJobQueue</c>.</summary>
public static class RedisJobQueueBuilderExtensions
{
    /// <summary>Keeps jobs in Redis, shared by every host that points at the same server and key prefix.</summary>
    /// <param name="builder">The JobQueue builder.</param>
    /// <param name="connectionString">
    /// <c>host:port,password=...,user=...,defaultDatabase=0,ssl=false,connectTimeout=5000,syncTimeout=5000</c>,
    /// or a <c>redis://user:password@host:port/db</c> (<c>rediss://</c> for TLS) URI.
    /// </param>
    /// <param name="configure">Sets the key prefix.</param>
    /// <exception cref="ArgumentException">The connection string or the key prefix is invalid.</exception>
    public static JobQueueBuilder UseRedis(this JobQueueBuilder builder, string connectionString, Action<RedisStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Parsed and validated now, so a typo fails at startup and not at the first job.
        RedisConnectionOptions connection = RedisConnectionOptions.Parse(connectionString);
        var options = new RedisStorageOptions();
        configure?.Invoke(options);
        RedisJobStorage.ValidatePrefix(options.KeyPrefix);
        return builder.UseStorage("Redis", sp => new RedisJobStorage(
            new RedisClient(connection, (TimeProvider?)sp.GetService(typeof(TimeProvider))), options, ownsClient: true));
    }
}
