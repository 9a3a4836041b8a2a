using System.Collections.Concurrent;

namespace JobQueue.Hosting;

/// <summary>
/// The attempts running in this process: the lease keeper renews their leases, and a cancel issued here fires
/// the job's token at once instead of waiting for the next renewal to find the lease void.
/// </summary>
internal sealed class RunningJobs
{
    private readonly ConcurrentDictionary<JobId, ActiveJob> _running = new();
    private readonly Lock _emptyLock = new();

    // Attempts between Add and Remove; counted apart from the dictionary, where a second attempt of the same job
    // (its lease expired and this host fetched it again) replaces the first.
    private int _attempts;
    private TaskCompletionSource? _emptied;

    public int Count => _running.Count;

    public void Add(ActiveJob job)
    {
        Interlocked.Increment(ref _attempts);
        _running[job.Id] = job;
    }

    public void Remove(ActiveJob job)
    {
        _running.TryRemove(new KeyValuePair<JobId, ActiveJob>(job.Id, job));
        if (Interlocked.Decrement(ref _attempts) == 0)
        {
            lock (_emptyLock)
            {
                if (Volatile.Read(ref _attempts) == 0 && _emptied is not null)
                {
                    _emptied.TrySetResult();
                    _emptied = null;
                }
            }
        }
    }

    /// <summary>Completes once no attempt runs here (handler ended and outcome written); the host's drain waits for it.</summary>
    public Task WhenEmptyAsync()
    {
        lock (_emptyLock)
        {
            if (Volatile.Read(ref _attempts) == 0)
            {
                return Task.CompletedTask;
            }

            _emptied ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _emptied.Task;
        }
    }

    public ActiveJob[] Snapshot() => _running.Values.ToArray();

    public bool TryStop(JobId id, StopReason reason)
    {
        if (!_running.TryGetValue(id, out ActiveJob? job))
        {
            return false;
        }

        job.Stop(reason);
        return true;
    }
}
