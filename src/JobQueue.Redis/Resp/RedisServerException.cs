namespace JobQueue.Redis.Resp;

/// <summary>Redis answered a command with an error reply; <see cref="Exception.Message"/> is the server's text.</summary>
internal sealed class RedisServerException : InvalidOperationException
{
    public RedisServerException(string command, string serverMessage)
        : base(serverMessage)
    {
        Command = command;
        ServerMessage = serverMessage;
    }

    /// <summary>The command that failed.</summary>
    public string Command { get; }

    /// <summary>The error text exactly as the server sent it, such as "NOSCRIPT No matching script".</summary>
    public string ServerMessage { get; }

    /// <summary>The error's code: its first word, such as NOSCRIPT, WRONGTYPE or ERR.</summary>
    public string Code => ServerMessage.Split(' ', 2)[0];
}
