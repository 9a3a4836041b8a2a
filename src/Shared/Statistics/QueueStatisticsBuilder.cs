using JobQueue.Storage;

namespace JobQueue.Statistics;

/// <summary>
/// Gathers how many jobs of each queue are in each state, as a store reads them (row by row, or a queue's counts at
/// once), into <see cref="QueueStatistics"/> ordered by queue name (ordinal). Shared by every store (the in-memory one
/// included) as linked source (src/Shared), so each store keeps only its query.
/// </summary>
internal sealed class QueueStatisticsBuilder
{
    private const int StateCount = (int)JobState.Awaiting + 1;

    private readonly Dictionary<string, long[]> _counts = new(StringComparer.Ordinal);

    /// <summary>Adds jobs of a queue in one state: a row of a store's count by queue and state.</summary>
    /// <param name="queue">The queue's name.</param>
    /// <param name="state">The state as stored; a value that is no state (a damaged row) counts as Failed, as the job readers show it.</param>
    /// <param name="count">How many jobs.</param>
    public void Add(string queue, long state, long count)
        => CountsOf(queue)[state is >= 0 and < StateCount ? (int)state : (int)JobState.Failed] += count;

    /// <summary>Adds a queue's counts at once, indexed by <see cref="JobState"/>.</summary>
    public void Add(string queue, ReadOnlySpan<long> perState)
    {
        long[] counts = CountsOf(queue);
        for (int state = 0; state < StateCount && state < perState.Length; state++)
        {
            counts[state] += perState[state];
        }
    }

    /// <summary>One entry per queue added, ordered by queue name (ordinal), whatever order the store read them in.</summary>
    public List<QueueStatistics> Build()
    {
        var statistics = new List<QueueStatistics>(_counts.Count);
        foreach ((string queue, long[] counts) in _counts)
        {
            statistics.Add(new QueueStatistics
            {
                Queue = queue,
                Scheduled = counts[(int)JobState.Scheduled],
                Enqueued = counts[(int)JobState.Enqueued],
                Running = counts[(int)JobState.Running],
                Succeeded = counts[(int)JobState.Succeeded],
                Failed = counts[(int)JobState.Failed],
                Cancelled = counts[(int)JobState.Cancelled],
                Awaiting = counts[(int)JobState.Awaiting],
            });
        }

        statistics.Sort(static (a, b) => string.CompareOrdinal(a.Queue, b.Queue));
        return statistics;
    }

    private long[] CountsOf(string queue)
    {
        if (!_counts.TryGetValue(queue, out long[]? counts))
        {
            counts = new long[StateCount];
            _counts.Add(queue, counts);
        }

        return counts;
    }
}
