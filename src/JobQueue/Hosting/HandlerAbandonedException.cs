namespace JobQueue.Hosting;

/// <summary>Ends the wait for a handler that did not stop within its grace period; never leaves the engine.</summary>
internal sealed class HandlerAbandonedException : Exception
{
    public HandlerAbandonedException()
        : base("The handler did not stop within its grace period and was abandoned.")
    {
    }

    public HandlerAbandonedException(string message)
        : base(message)
    {
    }

    public HandlerAbandonedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
