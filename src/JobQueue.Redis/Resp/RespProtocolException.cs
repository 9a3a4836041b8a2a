namespace JobQueue.Redis.Resp;

/// <summary>The bytes from the server are not valid RESP2. The connection that read them is reset: its framing can no longer be trusted.</summary>
internal sealed class RespProtocolException : Exception
{
    public RespProtocolException(string message)
        : base(message)
    {
    }
}
