namespace JobQueue.Redis.Resp;

/// <summary>A command got no reply within the command timeout; it may still run on the server.</summary>
internal sealed class RedisTimeoutException : TimeoutException
{
    public RedisTimeoutException(string message)
        : base(message)
    {
    }
}
