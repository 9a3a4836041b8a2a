namespace JobQueue;

/// <summary>
/// Recorded as a job's error when its stored arguments no longer deserialize into the registered arguments
/// type (the type changed since the job was enqueued). Retrying cannot fix it, so the job fails for good.
/// </summary>
public sealed class JobArgumentsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobArgumentsException()
        : base("The job's stored arguments do not deserialize.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JobArgumentsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public JobArgumentsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
