namespace JobQueue;

/// <summary>
/// At most <see cref="Starts"/> job starts in any window of <see cref="Period"/>, counted across every host in the store.
/// </summary>
/// <remarks>
/// The window slides: the store keeps the start times of the last <see cref="Starts"/> starts of the limited scope and
/// refuses a start while that many fall within the last <see cref="Period"/>, so no window of that length, wherever it
/// begins, ever holds more. Each start is one small record in the store, kept for one period.
/// </remarks>
public sealed record RateLimit
{
    /// <summary>The largest <see cref="Starts"/>: each start of the window is stored.</summary>
    public const int MaxStarts = 1_000_000;

    /// <summary>The longest <see cref="Period"/>.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(7);

    /// <summary>Creates a limit of <paramref name="starts"/> starts per <paramref name="period"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="starts"/> is not between 1 and <see cref="MaxStarts"/>, or <paramref name="period"/> is not
    /// positive or longer than <see cref="MaxPeriod"/>.
    /// </exception>
    public RateLimit(int starts, TimeSpan period)
    {
        if (starts is < 1 or > MaxStarts)
        {
            throw new ArgumentOutOfRangeException(nameof(starts), starts,
                $"A rate limit of {starts} starts per {period} is invalid: starts must be between 1 and {MaxStarts:N0}.");
        }

        if (period <= TimeSpan.Zero || period > MaxPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period,
                $"A rate limit of {starts} starts per {period} is invalid: the period must be positive and at most {MaxPeriod.TotalDays:0} days.");
        }

        Starts = starts;
        Period = period;
    }

    /// <summary>How many jobs may start within any one period.</summary>
    public int Starts { get; }

    /// <summary>The length of the sliding window.</summary>
    public TimeSpan Period { get; }

    /// <summary>A limit of <paramref name="starts"/> starts per second.</summary>
    public static RateLimit PerSecond(int starts) => new(starts, TimeSpan.FromSeconds(1));

    /// <summary>A limit of <paramref name="starts"/> starts per minute.</summary>
    public static RateLimit PerMinute(int starts) => new(starts, TimeSpan.FromMinutes(1));

    /// <summary>A limit of <paramref name="starts"/> starts per hour.</summary>
    public static RateLimit PerHour(int starts) => new(starts, TimeSpan.FromHours(1));

    /// <inheritdoc />
    public override string ToString() => $"{Starts} per {Period}";
}
