namespace JobQueue.Postgres.Notifications;

/// <summary>
/// A level-triggered signal for one queue: a Set while nobody waits is kept, so the next wait completes at once.
/// Starts set, because notifications sent before this process listened are unknown: one spurious wake-up is
/// the price of never missing work.
/// </summary>
internal sealed class WorkSignal
{
    private readonly Lock _gate = new();
    private bool _set = true;
    private TaskCompletionSource? _waiters;

    public void Set()
    {
        TaskCompletionSource? waiters;
        lock (_gate)
        {
            waiters = _waiters;
            _waiters = null;
            _set = waiters is null;
        }

        waiters?.TrySetResult();
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_set)
            {
                _set = false;
                return Task.CompletedTask;
            }

            _waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiters.Task.WaitAsync(cancellationToken);
        }
    }
}
