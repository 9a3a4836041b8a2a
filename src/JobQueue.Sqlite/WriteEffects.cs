namespace JobQueue.Sqlite;

/// <summary>What a write transaction did that waiters care about; signalled only after it commits.</summary>
internal sealed class WriteEffects
{
    public HashSet<string> ReadyQueues { get; } = new(StringComparer.Ordinal);

    public List<JobId> FinishedJobs { get; } = [];
}
