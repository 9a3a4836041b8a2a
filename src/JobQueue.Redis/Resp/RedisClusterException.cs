namespace JobQueue.Redis.Resp;

/// <summary>
/// Redis Cluster kept redirecting a command (MOVED or ASK) past the client's limit, or pointed it at a node
/// the client cannot follow to: the slot is being moved, or the nodes disagree about who owns it. The
/// command did not run. Later commands try again from the node the client is on.
/// </summary>
internal sealed class RedisClusterException : InvalidOperationException
{
    public RedisClusterException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
