namespace JobQueue;

/// <summary>
/// Thrown by an enqueue when a bounded in-memory store is full and was configured to throw instead of
/// waiting for room. Nothing of the rejected call was written.
/// </summary>
public sealed class QueueFullException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public QueueFullException()
        : base("The job store is full.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public QueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
