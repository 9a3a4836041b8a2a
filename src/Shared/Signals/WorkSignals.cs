using System.Collections.Concurrent;

namespace JobQueue.Signals;

/// <summary>
/// Per-queue wake-ups for the workers of this process, shared by the providers as linked source (src/Shared).
/// A signal is sticky: raised while nobody waits, it completes the next wait at once, so work announced between
/// a fetch and the following wait is never slept through; raised while tasks wait, it completes all of them.
/// </summary>
internal sealed class WorkSignals
{
    private readonly ConcurrentDictionary<string, WorkSignal> _queues = new(StringComparer.Ordinal);
    private readonly bool _startSet;
    private readonly TaskCreationOptions _waiterOptions;

    /// <param name="startSet">
    /// Whether a queue's first wait completes at once: for a store that cannot know what was announced before it
    /// started listening, one spurious wake-up is the price of never missing work.
    /// </param>
    /// <param name="wakeWaitersInline">
    /// Whether a waiter goes on on the thread that raises the signal, up to its first wait, instead of through the
    /// thread pool: for a store that raises it where nothing waits behind it (Redis raises it after its pub/sub
    /// reader has registered its next read), so a wake-up costs no extra thread hop before the fetch goes out.
    /// </param>
    public WorkSignals(bool startSet = false, bool wakeWaitersInline = false)
    {
        _startSet = startSet;
        _waiterOptions = wakeWaitersInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously;
    }

    public void Set(string queue) => Get(queue).Set();

    /// <summary>Makes the queue known without raising it, so that a later <see cref="SetAll"/> reaches it.</summary>
    public void Track(string queue) => Get(queue);

    /// <summary>Wakes every queue: after a lost connection any announcement may have been missed.</summary>
    public void SetAll()
    {
        foreach (WorkSignal signal in _queues.Values)
        {
            signal.Set();
        }
    }

    public Task WaitAsync(string queue, CancellationToken cancellationToken) => Get(queue).WaitAsync(cancellationToken);

    private WorkSignal Get(string queue) => _queues.GetOrAdd(queue, static (_, signals) => new WorkSignal(signals._startSet, signals._waiterOptions), this);

    private sealed class WorkSignal(bool set, TaskCreationOptions waiterOptions)
    {
        private readonly Lock _gate = new();
        private bool _set = set;
        private TaskCompletionSource? _waiters;

        // Waits on _waiters that have not given up. The last one to give up takes _waiters away: a signal raised after
        // that is then kept for the next wait, instead of completing a task that nobody awaits any more.
        private int _waiting;

        public void Set()
        {
            TaskCompletionSource? waiters;
            lock (_gate)
            {
                waiters = _waiters;
                _waiters = null;
                _waiting = 0;
                _set = waiters is null;
            }

            waiters?.TrySetResult();
        }

        public Task WaitAsync(CancellationToken cancellationToken)
        {
            // A caller that already gave up gets its cancellation, not a pending signal (which stays for the next).
            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled(cancellationToken);
            }

            TaskCompletionSource waiters;
            lock (_gate)
            {
                if (_set)
                {
                    _set = false;
                    return Task.CompletedTask;
                }

                waiters = _waiters ??= new TaskCompletionSource(waiterOptions);
                _waiting++;
            }

            return cancellationToken.CanBeCanceled ? WaitOrGiveUpAsync(waiters, cancellationToken) : waiters.Task;
        }

        private async Task WaitOrGiveUpAsync(TaskCompletionSource waiters, CancellationToken cancellationToken)
        {
            try
            {
                await waiters.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                bool gaveUp;
                lock (_gate)
                {
                    // Otherwise Set took these waiters, and so the signal, as this wait gave up: it counts as woken, or
                    // the signal would be spent on nobody.
                    gaveUp = _waiters == waiters;
                    if (gaveUp && --_waiting == 0)
                    {
                        _waiters = null;
                    }
                }

                if (gaveUp)
                {
                    throw;
                }
            }
        }
    }
}
