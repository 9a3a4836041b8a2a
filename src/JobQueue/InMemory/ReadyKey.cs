namespace JobQueue.InMemory;

/// <summary>
/// The order of a queue's ready jobs: higher priority first, then earlier run time, then enqueue order.
/// The sequence is unique per job, so no two live keys compare equal and fetch order is deterministic.
/// </summary>
internal readonly record struct ReadyKey(int Priority, long RunAtUtcTicks, long Sequence) : IComparable<ReadyKey>
{
    public int CompareTo(ReadyKey other)
    {
        // Reversed operands: a higher priority sorts first.
        int byPriority = other.Priority.CompareTo(Priority);
        if (byPriority != 0)
        {
            return byPriority;
        }

        int byRunAt = RunAtUtcTicks.CompareTo(other.RunAtUtcTicks);
        return byRunAt != 0 ? byRunAt : Sequence.CompareTo(other.Sequence);
    }
}
