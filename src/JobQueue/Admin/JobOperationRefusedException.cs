namespace JobQueue;

/// <summary>
/// Thrown by <see cref="IJobAdmin.RetryAsync"/> and <see cref="IJobAdmin.DeleteAsync"/> when the job exists but the
/// operation does not apply to it, such as retrying a running job or deleting one that has not finished. Nothing
/// changed. <see cref="Reason"/> says why; the message says it in words, with the job's id.
/// </summary>
public sealed class JobOperationRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public JobOperationRefusedException()
        : base("The job operation was refused.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JobOperationRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public JobOperationRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal JobOperationRefusedException(JobId jobId, JobRefusalReason reason, string message)
        : base(message)
    {
        JobId = jobId;
        Reason = reason;
    }

    /// <summary>The job the operation was refused for.</summary>
    public JobId JobId { get; }

    /// <summary>Why the operation was refused.</summary>
    public JobRefusalReason Reason { get; }
}
