namespace JobQueue;

/// <summary>
/// Exponential backoff with jitter: the n-th retry waits RetryDelay × 2^(n-1), varied by ±20% so that jobs
/// that failed together do not all come back together, and capped at MaxRetryDelay.
/// </summary>
internal sealed class RetryPolicy
{
    private const double JitterFraction = 0.2;

    private readonly TimeSpan _maxDelay;
    private readonly Func<double> _random;

    /// <param name="maxDelay">The cap.</param>
    /// <param name="random">A source of numbers in [0, 1); injected so tests can fix the jitter.</param>
    public RetryPolicy(TimeSpan maxDelay, Func<double> random)
    {
        _maxDelay = maxDelay;
        _random = random;
    }

    /// <summary>The delay after failed attempt <paramref name="attempt"/> (1-based), for a job whose first retry waits <paramref name="baseDelay"/>.</summary>
    public TimeSpan DelayAfter(int attempt, TimeSpan baseDelay)
    {
        // 2^(attempt-1) grows past any cap quickly; clamp the exponent so the double stays finite.
        double exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 40));
        double jittered = exponential * (1 + (JitterFraction * ((2 * _random()) - 1)));
        double capped = Math.Min(jittered, _maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Max(0, capped));
    }
}
