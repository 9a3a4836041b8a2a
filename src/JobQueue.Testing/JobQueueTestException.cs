namespace JobQueue.Testing;

/// <summary>
/// A failed expectation of a <see cref="JobQueueTestHarness"/>: an assertion on what was enqueued, a job that failed while
/// the harness ran it, or a run that did not end. Its message lists what the harness saw. Any test framework reports it as
/// a failed test.
/// </summary>
public sealed class JobQueueTestException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public JobQueueTestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the exception that caused it.</summary>
    public JobQueueTestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message; prefer one that says what was expected.</summary>
    public JobQueueTestException()
        : base("A JobQueue test expectation failed.")
    {
    }
}
