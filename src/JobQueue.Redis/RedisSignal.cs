namespace JobQueue.Redis;

/// <summary>
/// A wake-up that is never lost: raised while nobody waits, it stays set and the next wait completes at
/// once; raised while tasks wait, it completes all of them.
/// </summary>
internal sealed class RedisSignal
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _waiter;
    private bool _set;

    /// <summary>The subscriber epoch in which this queue's backlog was last checked; see RedisJobStorage.WaitForWorkAsync.</summary>
    public long CheckedEpoch { get; set; } = -1;

    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            waiter = _waiter;
            _waiter = null;
            _set = waiter is null;
        }

        waiter?.TrySetResult();
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_set)
            {
                _set = false;
                return Task.CompletedTask;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task.WaitAsync(cancellationToken);
        }
    }
}
