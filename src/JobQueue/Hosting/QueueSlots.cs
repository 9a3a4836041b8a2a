using System.Threading.Tasks.Sources;

namespace JobQueue.Hosting;

/// <summary>
/// The free slots of one queue: the executor frees one when a handler ends, and the queue's fetch loop (the only
/// waiter) takes them. A SemaphoreSlim did the same, but allocated a waiter, a task and a cancellation promise
/// each time the loop had to wait, which under load is once per job; this reuses one wait for the loop's life.
/// </summary>
internal sealed class QueueSlots : IValueTaskSource
{
    private readonly Lock _lock = new();
    private ManualResetValueTaskSourceCore<bool> _wait;
    private int _free;
    private bool _waiting;
    private bool _closed;

    // Counts attempts whose outcome is written, so that a limited queue's idle wait can tell whether a job ended in the
    // store since its fetch began (see WhenEndedSince); the completion source exists only while such a wait is pending.
    private long _ended;
    private TaskCompletionSource? _endedWaiter;

    // While the loop gathers (see GatherAsync): how many free slots end the wait, and the timer that ends it anyway.
    private int _gatherTarget;
    private ITimer? _gatherTimer;

    public QueueSlots(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _free = count;
    }

    /// <summary>Takes one slot, waiting until one is freed.</summary>
    /// <exception cref="OperationCanceledException">The slots were closed (the loop is stopping).</exception>
    /// <remarks>One caller at a time: the queue's fetch loop.</remarks>
    public ValueTask TakeAsync()
    {
        lock (_lock)
        {
            if (_waiting)
            {
                throw new InvalidOperationException("Only one caller may wait for a queue's slots at a time.");
            }

            if (_closed)
            {
                throw new OperationCanceledException("The queue's fetch loop is stopping.");
            }

            if (_free > 0)
            {
                _free--;
                return ValueTask.CompletedTask;
            }

            _wait.Reset();
            _waiting = true;
            return new ValueTask(this, _wait.Version);
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> slots are free or <paramref name="window"/> has passed,
    /// whichever comes first, taking none: the loop then takes what is free with <see cref="TakeUpTo"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException">The slots were closed (the loop is stopping).</exception>
    public ValueTask GatherAsync(int count, TimeSpan window, TimeProvider time)
    {
        lock (_lock)
        {
            if (_waiting)
            {
                throw new InvalidOperationException("Only one caller may wait for a queue's slots at a time.");
            }

            if (_closed)
            {
                throw new OperationCanceledException("The queue's fetch loop is stopping.");
            }

            if (_free >= count)
            {
                return ValueTask.CompletedTask;
            }

            _wait.Reset();
            _waiting = true;
            _gatherTarget = count;

            // Created under the lock: its callback takes the lock too, so it cannot end this wait before it exists.
            _gatherTimer = time.CreateTimer(static state => ((QueueSlots)state!).EndGather(), this, window, Timeout.InfiniteTimeSpan);
            return new ValueTask(this, _wait.Version);
        }
    }

    /// <summary>Takes up to <paramref name="max"/> more slots without waiting; returns how many it took.</summary>
    public int TakeUpTo(int max)
    {
        lock (_lock)
        {
            int taken = Math.Min(max, _free);
            _free -= taken;
            return taken;
        }
    }

    /// <summary>How many attempts of the queue ended in the store so far: read before a fetch, given to <see cref="WhenEndedSince"/> after it.</summary>
    public long Ended
    {
        get
        {
            lock (_lock)
            {
                return _ended;
            }
        }
    }

    /// <summary>
    /// An attempt of the queue has ended in the store (its outcome written): it no longer counts against any limit, so a
    /// limited queue's idle wait may end. Called after the write, not when the slot is freed, which comes first.
    /// </summary>
    public void AttemptEnded()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            _ended++;
            waiter = _endedWaiter;
            _endedWaiter = null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>Completes once an attempt of the queue ended in the store after <paramref name="ended"/> was read (at once if one did).</summary>
    public Task WhenEndedSince(long ended)
    {
        lock (_lock)
        {
            if (_ended != ended)
            {
                return Task.CompletedTask;
            }

            _endedWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _endedWaiter.Task;
        }
    }

    /// <summary>Frees slots; a waiting loop is handed the first one and resumes on this thread.</summary>
    public void Release(int count = 1)
    {
        bool wake = false;
        ITimer? gatherTimer = null;
        lock (_lock)
        {
            if (_waiting && _gatherTarget > 0)
            {
                _free += count;
                if (_free >= _gatherTarget)
                {
                    wake = true;
                    gatherTimer = StopWaitingLocked();
                }
            }
            else
            {
                if (_waiting && count > 0)
                {
                    StopWaitingLocked();
                    wake = true;
                    count--;
                }

                _free += count;
            }
        }

        gatherTimer?.Dispose();
        if (wake)
        {
            _wait.SetResult(true);
        }
    }

    /// <summary>Stops the loop: a pending or later <see cref="TakeAsync"/> throws OperationCanceledException.</summary>
    public void Close()
    {
        bool wake;
        ITimer? gatherTimer;
        lock (_lock)
        {
            _closed = true;
            wake = _waiting;
            gatherTimer = StopWaitingLocked();
        }

        gatherTimer?.Dispose();
        if (wake)
        {
            _wait.SetException(new OperationCanceledException("The queue's fetch loop is stopping."));
        }
    }

    private void EndGather()
    {
        ITimer? gatherTimer;
        lock (_lock)
        {
            if (!_waiting || _gatherTarget == 0)
            {
                return; // a late tick of a gather that already ended
            }

            gatherTimer = StopWaitingLocked();
        }

        gatherTimer?.Dispose();
        _wait.SetResult(true);
    }

    private ITimer? StopWaitingLocked()
    {
        ITimer? gatherTimer = _gatherTimer;
        _waiting = false;
        _gatherTarget = 0;
        _gatherTimer = null;
        return gatherTimer;
    }

    void IValueTaskSource.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _wait.OnCompleted(continuation, state, token, flags);
}
