namespace JobQueue;

/// <summary>Settings of the Redis store, given to <c>UseRedis(connectionString, o =&gt; ...)</c>.</summary>
public sealed class RedisStorageOptions
{
    /// <summary>
    /// The name every key starts with, wrapped in a hash tag (<c>{jobqueue}:job:...</c>) so all keys of one
    /// deployment live in one Redis Cluster slot and each Lua script touches a single slot. Deployments that
    /// share a server use different prefixes.
    /// </summary>
    /// <value>Defaults to "jobqueue".</value>
    public string KeyPrefix { get; set; } = "jobqueue";
}
