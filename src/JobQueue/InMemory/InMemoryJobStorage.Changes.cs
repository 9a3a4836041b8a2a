namespace JobQueue.InMemory;

// Job changes: every state change (SetStateLocked) and progress report completes the change waiters of the job.
internal sealed partial class InMemoryJobStorage
{
    private readonly Dictionary<JobId, TaskCompletionSource> _changeWaiters = [];

    public ValueTask WaitForChangeAsync(JobId id, CancellationToken cancellationToken)
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            // A job that is gone or finished changes no more (short of an admin retry, which a new watch reads):
            // the caller's read ends its watch. This also keeps no entry behind for it.
            if (!_jobs.TryGetValue(id, out InMemoryJob? job) || job.IsFinal)
            {
                return ValueTask.CompletedTask;
            }

            // Registered under the lock that guards every change, so a change after this point completes it.
            if (!_changeWaiters.TryGetValue(id, out waiter))
            {
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _changeWaiters.Add(id, waiter);
            }
        }

        return new ValueTask(waiter.Task.WaitAsync(cancellationToken));
    }

    /// <summary>Completes the change waiters of the job; with nobody waiting it costs one count check.</summary>
    private void ChangedLocked(JobId id)
    {
        if (_changeWaiters.Count != 0 && _changeWaiters.Remove(id, out TaskCompletionSource? waiter))
        {
            waiter.TrySetResult();
        }
    }
}
