namespace JobQueue.Sqlite.Signals;

/// <summary>
/// Wake-ups for callers waiting on a job to finish. A waiter registers before it reads the job's state, so a
/// finish committed after that read always finds the registration and wakes it.
/// </summary>
internal sealed class FinishSignals
{
    private readonly Lock _lock = new();
    private readonly Dictionary<JobId, Entry> _waiting = [];

    public Registration Register(JobId id)
    {
        lock (_lock)
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

    public void Signal(JobId id)
    {
        Entry? entry;
        lock (_lock)
        {
            if (_waiting.Remove(id, out entry))
            {
                // Later registrations get a fresh entry; these waiters are all answered below.
                entry.Count = 0;
            }
        }

        entry?.Finished.TrySetResult();
    }

    private void Unregister(JobId id, Entry entry)
    {
        lock (_lock)
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
        private readonly FinishSignals _owner;
        private readonly JobId _id;
        private readonly Entry _entry;
        private bool _disposed;

        internal Registration(FinishSignals owner, JobId id, Entry entry)
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
