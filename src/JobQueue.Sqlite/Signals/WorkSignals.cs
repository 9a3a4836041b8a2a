namespace JobQueue.Sqlite.Signals;

/// <summary>
/// Per-queue wake-ups for workers of this process. A signal is sticky: raised while nobody waits, it completes
/// the next wait at once, so work enqueued between a fetch and the following wait is never slept through.
/// Waking a waiter leaves the flag set, which costs at most one spurious wake-up (allowed by the contract).
/// </summary>
internal sealed class WorkSignals
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, QueueSignal> _queues = new(StringComparer.Ordinal);

    public void Signal(string queue)
    {
        TaskCompletionSource toWake;
        lock (_lock)
        {
            QueueSignal signal = GetOrAdd(queue);
            signal.Pending = true;
            toWake = signal.Waiters;
            signal.Waiters = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        toWake.TrySetResult();
    }

    public Task WaitAsync(string queue, CancellationToken cancellationToken)
    {
        Task waiters;
        lock (_lock)
        {
            QueueSignal signal = GetOrAdd(queue);
            if (signal.Pending)
            {
                signal.Pending = false;
                return Task.CompletedTask;
            }

            waiters = signal.Waiters.Task;
        }

        return waiters.WaitAsync(cancellationToken);
    }

    private QueueSignal GetOrAdd(string queue)
    {
        if (!_queues.TryGetValue(queue, out QueueSignal? signal))
        {
            signal = new QueueSignal();
            _queues.Add(queue, signal);
        }

        return signal;
    }

    private sealed class QueueSignal
    {
        public bool Pending { get; set; }

        public TaskCompletionSource Waiters { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
