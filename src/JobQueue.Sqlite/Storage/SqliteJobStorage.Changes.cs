using JobQueue.Signals;
using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

// Job changes: signalled after the write that made them commits, to waiters of this store instance only. SQLite has
// no way to tell another process, so a watch there sees such changes when it reads the job again on its poll.
internal sealed partial class SqliteJobStorage
{
    // The same bookkeeping as the finish waiters, answered on every change of the job rather than only its finish.
    private readonly FinishWaiters _changes = new();

    public ValueTask WaitForChangeAsync(JobId id, CancellationToken cancellationToken)
    {
        // Registered in the synchronous part of the call, as the contract asks: a change committed after it is seen.
        FinishWaiters.Registration registration = _changes.Register(id);
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
        if (_changes.AnyWaiting)
        {
            foreach (StoredJob job in jobs)
            {
                _changes.Finished(job.Id);
            }
        }

        return jobs;
    }

    private async ValueTask<IReadOnlyList<JobId>> Changed(ValueTask<IReadOnlyList<JobId>> write)
    {
        IReadOnlyList<JobId> ids = await write.ConfigureAwait(false);
        if (_changes.AnyWaiting)
        {
            foreach (JobId id in ids)
            {
                _changes.Finished(id);
            }
        }

        return ids;
    }

    /// <summary>Signals the job of every item the write applied (per item, true).</summary>
    private async ValueTask<IReadOnlyList<bool>> Changed<T>(IReadOnlyList<T> items, Func<T, JobId> id, ValueTask<IReadOnlyList<bool>> write)
    {
        IReadOnlyList<bool> applied = await write.ConfigureAwait(false);
        if (_changes.AnyWaiting)
        {
            for (int i = 0; i < applied.Count; i++)
            {
                if (applied[i])
                {
                    _changes.Finished(id(items[i]));
                }
            }
        }

        return applied;
    }
}
