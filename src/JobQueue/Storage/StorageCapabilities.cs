namespace JobQueue.Storage;

/// <summary>What a store can do beyond the members every store has; the engine adapts instead of catching NotSupportedException.</summary>
public sealed record StorageCapabilities
{
    /// <summary>The store signals new work through <see cref="IJobStorage.WaitForWorkAsync"/>, so idle workers need not poll tightly.</summary>
    public bool WakeUpSignal { get; init; }

    /// <summary>The store signals finished jobs through <see cref="IJobStorage.WaitForFinishAsync"/>.</summary>
    public bool FinishSignal { get; init; }

    /// <summary>
    /// The store signals job changes (started, progress, retried, rescheduled, finished) through
    /// <see cref="IJobStorage.WaitForChangeAsync"/>, so a watch sees changes written by other processes without
    /// waiting for its poll. False by default.
    /// </summary>
    public bool ChangeSignal { get; init; }

    /// <summary>
    /// Each write costs a round trip or a commit, so the engine coalesces concurrent single-job enqueues and
    /// completions into bulk calls (each caller still returns only once its own job is written). False for a
    /// store whose calls are cheap in-process work, where coalescing would only add a hop.
    /// </summary>
    public bool CoalesceWrites { get; init; }
}
