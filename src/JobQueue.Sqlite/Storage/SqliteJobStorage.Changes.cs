using JobQueue.Signals;
using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

// Job changes: signalled after the write that made them commits, to waiters of this store instance only. SQLite has
// no way to tell another process, so a watch there sees such changes when it reads the job again on its poll.
internal sealed partial class SqliteJobStorage
{
    public ValueTask WaitForChangeAsync(JobId id, CancellationToken cancellationToken)
    {
        // Registered in the synchronous part of the call, as the contract asks: a change committed after it is seen.
        FinishWaiters.Registration registration = _signals.Changes.Register(id);
        return WaitAsync(registration, cancellationToken);

        static async ValueTask WaitAsync(FinishWaiters.Registration registration, CancellationToken cancellationToken)
        {
            using (registration)
            {
                await registration.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Signals every job the write leased or rescued.</summary>
    private async ValueTask<IReadOnlyList<StoredJob>> Changed(ValueTask<IReadOnlyList<StoredJob>> write)
    {
        IReadOnlyList<StoredJob> jobs = await write.ConfigureAwait(false);
        if (_signals.Changes.AnyWaiting)
        {
            foreach (StoredJob job in jobs)
            {
                _signals.Changes.Finished(job.Id);
            }
        }

        return jobs;
    }

    private async ValueTask<IReadOnlyList<JobId>> Changed(ValueTask<IReadOnlyList<JobId>> write)
    {
        IReadOnlyList<JobId> ids = await write.ConfigureAwait(false);
        if (_signals.Changes.AnyWaiting)
        {
            foreach (JobId id in ids)
            {
                _signals.Changes.Finished(id);
            }
        }

        return ids;
    }

    /// <summary>Signals the job of every item the write applied (per item, true).</summary>
    private async ValueTask<IReadOnlyList<bool>> Changed<T>(IReadOnlyList<T> items, Func<T, JobId> id, ValueTask<IReadOnlyList<bool>> write)
    {
        IReadOnlyList<bool> applied = await write.ConfigureAwait(false);
        if (_signals.Changes.AnyWaiting)
        {
            for (int i = 0; i < applied.Count; i++)
            {
                if (applied[i])
                {
                    _signals.Changes.Finished(id(items[i]));
                }
            }
        }

        return applied;
    }
}
