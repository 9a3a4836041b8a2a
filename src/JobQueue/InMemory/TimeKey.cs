namespace JobQueue.InMemory;

/// <summary>Orders jobs by a time (run time or finish time), then by enqueue order, for the maintenance heaps.</summary>
internal readonly record struct TimeKey(long UtcTicks, long Sequence) : IComparable<TimeKey>
{
    public int CompareTo(TimeKey other)
    {
        int byTime = UtcTicks.CompareTo(other.UtcTicks);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }
}
