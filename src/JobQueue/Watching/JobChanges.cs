namespace JobQueue.Watching;

/// <summary>
/// Changes this process made to jobs (started, progressed, retried, finished, cancelled), signalled by job id to the
/// watch of that job, if any. The engine calls <see cref="Changed"/> after each such write; with nobody watching it
/// costs one volatile read. Changes written by other processes are not seen here: a watch learns of them through
/// the store's change signal (<see cref="Storage.IJobStorage.WaitForChangeAsync"/>), or by reading the job again on
/// its poll interval.
/// </summary>
internal sealed class JobChanges
{
    private readonly Lock _gate = new();
    private readonly Dictionary<JobId, TaskCompletionSource> _armed = [];
    private int _armedCount;

    /// <summary>
    /// Returns a task that completes on the next change of the job. Called before the watch reads the job, so a
    /// change written after that read completes the task.
    /// </summary>
    public Task Arm(JobId id)
    {
        lock (_gate)
        {
            if (!_armed.TryGetValue(id, out TaskCompletionSource? change))
            {
                change = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _armed.Add(id, change);
                Interlocked.Increment(ref _armedCount);
            }

            return change.Task;
        }
    }

    /// <summary>Drops the arming <paramref name="armed"/> came from, unless another arming replaced it already.</summary>
    public void Disarm(JobId id, Task armed)
    {
        lock (_gate)
        {
            if (_armed.TryGetValue(id, out TaskCompletionSource? change) && change.Task == armed)
            {
                _armed.Remove(id);
                Interlocked.Decrement(ref _armedCount);
            }
        }
    }

    /// <summary>Signals that the job changed; called after the write committed.</summary>
    public void Changed(JobId id)
    {
        // A watch that arms after this check reads the job after the write committed, so it sees the change.
        if (Volatile.Read(ref _armedCount) == 0)
        {
            return;
        }

        TaskCompletionSource? change;
        lock (_gate)
        {
            if (_armed.Remove(id, out change))
            {
                Interlocked.Decrement(ref _armedCount);
            }
        }

        change?.TrySetResult();
    }
}
