namespace JobQueue.Sqlite.Notifications;

/// <summary>What a write transaction did that waiters care about; signalled only after it commits.</summary>
internal sealed class WriteEffects
{
    public HashSet<string> ReadyQueues { get; } = new(StringComparer.Ordinal);

    public List<JobId> FinishedJobs { get; } = [];

    /// <summary>Jobs changed without finishing, for the change signal (a holder replaced by a debounce).</summary>
    public List<JobId> ChangedJobs { get; } = [];
}
