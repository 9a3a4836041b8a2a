namespace JobQueue;

/// <summary>
/// Recorded as a job's error when the store could not fully read the stored job: a field holds a value that does
/// not parse, such as an unknown state, a malformed time or id, or corrupt error JSON. Retrying cannot repair stored
/// data, so the job fails for good without running; the message names each field that could not be read and why.
/// </summary>
/// <remarks>
/// The engine records it; it is never thrown to a caller. Tell such failures apart by
/// <see cref="JobError.Type"/>, which is this type's full name, "JobQueue.UnreadableJobException".
/// </remarks>
public sealed class UnreadableJobException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnreadableJobException()
        : base("The stored job could not be fully read.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnreadableJobException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UnreadableJobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The message recorded for a job whose <see cref="Storage.StoredJob.Unreadable"/> is <paramref name="unreadable"/>.</summary>
    internal static string MessageFor(string unreadable) => $"The stored job could not be fully read, so it was not run: {unreadable}";
}
