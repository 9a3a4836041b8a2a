namespace JobQueue.Redis.Resp;

/// <summary>
/// The connection to Redis failed or was lost. A command that fails with this may or may not have run on
/// the server; later commands reconnect (with backoff) and succeed once the server is reachable again.
/// </summary>
internal sealed class RedisConnectionException : IOException
{
    public RedisConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
