using JobQueue.Signals;

namespace JobQueue.Sqlite.Notifications;

/// <summary>
/// The store's wake-ups, all within this process: SQLite has no way to tell another process of a change, so workers
/// and watches there see it on their poll. A write collects what it did in a <see cref="WriteEffects"/>, and
/// <see cref="Signal"/> wakes the waiters only after that write committed, so a woken worker finds the job.
/// </summary>
internal sealed class SqliteSignals
{
    /// <summary>Idle workers, per queue.</summary>
    public WorkSignals Work { get; } = new();

    /// <summary>Waits for a job's finish.</summary>
    public FinishWaiters Finished { get; } = new();

    /// <summary>Waits for any change of a job: the same bookkeeping as the finish waiters, answered on every change.</summary>
    public FinishWaiters Changes { get; } = new();

    public void Signal(WriteEffects effects)
    {
        foreach (string queue in effects.ReadyQueues)
        {
            Work.Set(queue);
        }

        foreach (JobId id in effects.ChangedJobs)
        {
            Changes.Finished(id);
        }

        foreach (JobId id in effects.FinishedJobs)
        {
            Finished.Finished(id);
            Changes.Finished(id);
        }
    }
}
