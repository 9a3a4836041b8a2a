namespace JobQueue.Signals;

/// <summary>
/// Callers waiting for jobs to finish, by job id, shared by the providers as linked source (src/Shared). A waiter
/// registers before it reads the job's state, so a finish signalled after that read always finds the
/// registration; an entry lives while anyone waits for it, so a wait that gives up leaves nothing behind.
/// </summary>
internal sealed class FinishWaiters
{
    private readonly Lock _gate = new();
    private readonly Dictionary<JobId, Entry> _waiting = [];

    public Registration Register(JobId id)
    {
        lock (_gate)
        {
            if (!_waiting.TryGetValue(id, out Entry? entry))
            {
                entry = new Entry();
                _waiting.Add(id, entry);
            }

            entry.Count++;
            return new Registration(this, id, entry);
        }
    }

    public void Finished(JobId id)
    {
        Entry? entry;
        lock (_gate)
        {
            // Later registrations get a fresh entry; these waiters are all answered below.
            _waiting.Remove(id, out entry);
        }

        entry?.Finished.TrySetResult();
    }

    /// <summary>True while anyone waits; a busy worker finishes many jobs nobody waits for.</summary>
    public bool AnyWaiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count > 0;
            }
        }
    }

    /// <summary>
    /// Answers the waiters of every job in a comma-separated list of ids, the form in which a store announces
    /// the jobs one write finished; what is not an id is skipped. With nobody waiting, nothing is parsed.
    /// </summary>
    public void Finished(ReadOnlySpan<char> commaSeparatedIds)
    {
        // A waiter that registers after this check reads the job after the finish was committed, so it sees it.
        if (!AnyWaiting)
        {
            return;
        }

        foreach (Range range in commaSeparatedIds.Split(','))
        {
            if (Guid.TryParse(commaSeparatedIds[range], out Guid id))
            {
                Finished(new JobId(id));
            }
        }
    }

    /// <summary>Wakes every waiter: after a lost connection any finish may have been missed, so all read again.</summary>
    public void All()
    {
        Entry[] entries;
        lock (_gate)
        {
            entries = [.. _waiting.Values];
            _waiting.Clear();
        }

        foreach (Entry entry in entries)
        {
            entry.Finished.TrySetResult();
        }
    }

    private void Unregister(JobId id, Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Count == 0 && _waiting.TryGetValue(id, out Entry? current) && current == entry)
            {
                _waiting.Remove(id);
            }
        }
    }

    internal sealed class Entry
    {
        public int Count { get; set; }

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One waiter's interest in a job; dispose it when done waiting, whether or not it fired.</summary>
    public sealed class Registration : IDisposable
    {
        private readonly FinishWaiters _owner;
        private readonly JobId _id;
        private readonly Entry _entry;
        private bool _disposed;

        internal Registration(FinishWaiters owner, JobId id, Entry entry)
        {
            _owner = owner;
            _id = id;
            _entry = entry;
        }

        public Task Finished => _entry.Finished.Task;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _owner.Unregister(_id, _entry);
            }
        }
    }
}
