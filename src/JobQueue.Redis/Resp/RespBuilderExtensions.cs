using JobQueue.Redis.Storage;

namespace JobQueue.Redis.Resp;

/// <summary>
/// The store on the previous, internal RESP client, kept only until the benchmarks have compared it with the store
/// on StackExchange.Redis in one run; nothing else uses it.
/// </summary>
internal static class RespBuilderExtensions
{
    public static JobQueueBuilder UseRedisOnRespClient(this JobQueueBuilder builder, string connectionString, Action<RedisStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RedisConnectionOptions connection = RedisConnectionOptions.Parse(connectionString);
        var options = new RedisStorageOptions();
        configure?.Invoke(options);
        RedisJobStorage.ValidatePrefix(options.KeyPrefix);
        return builder.UseStorage("Redis", sp => new RespJobStorage(
            new RedisClient(connection, (TimeProvider?)sp.GetService(typeof(TimeProvider))), options, ownsClient: true));
    }
}
