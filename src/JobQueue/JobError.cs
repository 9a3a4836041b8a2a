namespace JobQueue;

/// <summary>What went wrong in one attempt of a job.</summary>
public sealed record JobError
{
    /// <summary>The full name of the exception type, such as "System.TimeoutException".</summary>
    public required string Type { get; init; }

    /// <summary>The exception's message.</summary>
    public required string Message { get; init; }

    /// <summary>The exception's stack trace, if it had one.</summary>
    public string? StackTrace { get; init; }

    /// <summary>The attempt that failed, starting at 1.</summary>
    public int Attempt { get; init; }

    /// <summary>When the attempt failed.</summary>
    public DateTimeOffset At { get; init; }
}
