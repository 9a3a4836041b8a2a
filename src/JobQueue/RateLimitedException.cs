namespace JobQueue;

/// <summary>
/// Thrown by a handler that met a limit outside (a partner API answered 429): the job is tried again after
/// <see cref="RetryAfter"/> without spending an attempt, and until then no job with the same limit key (or, for a job
/// without one, of the same job type) starts on any host.
/// </summary>
public sealed class RateLimitedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="retryAfter">How long to hold back; zero or more, at most about 49 days.</param>
    /// <param name="message">What the outside service said, for the log.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retryAfter"/> is negative or too long for a timer.</exception>
    public RateLimitedException(TimeSpan retryAfter, string? message = null)
        : base(message ?? $"Rate limited: retry after {retryAfter}.")
    {
        if (TimerLimit.Problem(retryAfter, allowZero: true) is string problem)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, $"RateLimitedException({retryAfter}): {problem}.");
        }

        RetryAfter = retryAfter;
    }

    /// <summary>How long the job, and its limit key or job type, are held back.</summary>
    public TimeSpan RetryAfter { get; }
}
