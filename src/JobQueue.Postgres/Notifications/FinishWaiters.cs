namespace JobQueue.Postgres.Notifications;

/// <summary>Callers waiting for jobs to finish, by job id; an entry lives while anyone waits for it.</summary>
internal sealed class FinishWaiters
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _entries = [];

    /// <summary>Registers before the caller reads the job's state, so a finish right after the read is not missed.</summary>
    public Task Register(Guid id)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out Entry? entry))
            {
                entry = new Entry();
                _entries.Add(id, entry);
            }

            entry.Count++;
            return entry.Finished.Task;
        }
    }

    /// <summary>Ends one registration; <paramref name="registered"/> tells it apart from a newer entry for the same id.</summary>
    public void Unregister(Guid id, Task registered)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out Entry? entry) && entry.Finished.Task == registered && --entry.Count == 0)
            {
                _entries.Remove(id);
            }
        }
    }

    public void Finished(Guid id)
    {
        Entry? entry;
        lock (_gate)
        {
            if (_entries.Remove(id, out entry))
            {
                entry.Count = 0;
            }
        }

        entry?.Finished.TrySetResult();
    }

    /// <summary>Wakes every waiter: after a lost connection any finish may have been missed, so all re-read.</summary>
    public void All()
    {
        Entry[] entries;
        lock (_gate)
        {
            entries = [.. _entries.Values];
            _entries.Clear();
        }

        foreach (Entry entry in entries)
        {
            entry.Finished.TrySetResult();
        }
    }

    private sealed class Entry
    {
        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; set; }
    }
}
