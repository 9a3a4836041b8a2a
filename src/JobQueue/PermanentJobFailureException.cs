namespace JobQueue;

/// <summary>
/// Thrown by a handler to fail its job for good: no further attempts are made, whatever attempts remain.
/// Use it for failures a retry cannot fix, such as a record that no longer exists.
/// </summary>
public sealed class PermanentJobFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PermanentJobFailureException()
        : base("The job failed permanently.")
    {
    }

    /// <summary>Creates the exception with the reason, recorded as the job's error.</summary>
    public PermanentJobFailureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public PermanentJobFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
