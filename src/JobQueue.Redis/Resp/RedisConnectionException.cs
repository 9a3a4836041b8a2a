namespace JobQueue.Redis.Resp;

/// <summary>
/// The connection to Redis failed or was lost. A command that fails with this may or may not have run on
/// the server; later commands reconnect (with backoff) and succeed once the server is reachable again.
/// </summary>
internal sealed class RedisConnectionException : IOException
{
    public RedisConnectionException(string message, Exception? innerException = null, bool commandNotSent = false)
        : base(message, innerException)
    {
        CommandNotSent = commandNotSent;
    }

    /// <summary>
    /// True when the connection had already failed or been closed as the command was handed to it, so the command
    /// never left the client and certainly did not run: it can be sent again elsewhere without running twice.
    /// </summary>
    public bool CommandNotSent { get; }
}
