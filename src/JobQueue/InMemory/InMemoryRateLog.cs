namespace JobQueue.InMemory;

/// <summary>The start times recorded in one rate scope, oldest first: a sliding-window log (see <see cref="Storage.FetchLimits"/>).</summary>
/// <remarks>
/// Times are appended with each fetch's now. Fetches of different workers may append slightly out of order; an entry later
/// than a reader's now still counts (stricter, never looser), and trimming stops at the first entry still in the window.
/// </remarks>
internal sealed class InMemoryRateLog
{
    private readonly Queue<long> _starts = new();

    /// <summary>Starts within (now - period, now] (and any recorded after now), after dropping older ones.</summary>
    public int Count(long nowTicks, long periodTicks)
    {
        long cutoff = nowTicks - periodTicks;
        while (_starts.TryPeek(out long oldest) && oldest <= cutoff)
        {
            _starts.Dequeue();
        }

        return _starts.Count;
    }

    public void Add(long nowTicks) => _starts.Enqueue(nowTicks);

    /// <summary>When the scope has room for one start under <paramref name="limit"/>, or null when it has room at now.</summary>
    public DateTimeOffset? RoomAt(RateLimit limit, long nowTicks)
    {
        int count = Count(nowTicks, limit.Period.Ticks);
        if (count < limit.Starts)
        {
            return null;
        }

        // The (count - limit + 1) oldest starts must leave the window; the last of them leaves at its time plus the period.
        long mustLeave = _starts.ElementAt(count - limit.Starts);
        return new DateTimeOffset(mustLeave + limit.Period.Ticks, TimeSpan.Zero);
    }

    public bool IsEmpty => _starts.Count == 0;
}
