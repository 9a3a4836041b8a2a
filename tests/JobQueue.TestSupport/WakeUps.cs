using JobQueue.Storage;

namespace JobQueue.TestSupport;

/// <summary>
/// Gets a queue's wake-ups out of the way before a test starts the wait it asserts on, so that only a signal raised
/// after that can complete it. Without this a wake-up test proves nothing on a store whose signal cannot be kept
/// while nobody listens (PostgreSQL's LISTEN, Redis pub/sub): such a store completes the first wait after it
/// (re)subscribes at once, published wake-up or not (see <see cref="IJobStorage.WaitForWorkAsync"/>).
/// </summary>
public static class WakeUps
{
    // A store that completes this many waits in a row at once would complete the test's wait the same way.
    private const int MaxPending = 100;

    /// <summary>
    /// Awaits a first wait on <paramref name="queue"/>, which must complete (the store's first wait after it
    /// subscribes; on a store that keeps its signals, the caller makes work ready first), then
    /// <see cref="ConsumePendingAsync"/>.
    /// </summary>
    public static async Task ConsumeAsync(IJobStorage storage, string queue)
    {
        ArgumentNullException.ThrowIfNull(storage);

        // No token of its own: Deadline.Within bounds it and, unlike a cancelled token, says what did not happen.
        await Deadline.Within(
            storage.WaitForWorkAsync(queue, CancellationToken.None).AsTask(),
            $"the first wake-up of queue '{queue}' (the first wait after subscribing, or work made ready before it)").ConfigureAwait(false);
        await ConsumePendingAsync(storage, queue).ConfigureAwait(false);
    }

    /// <summary>
    /// Consumes every wake-up of <paramref name="queue"/> that is already pending, and returns once a wait does not
    /// complete at once (that wait is cancelled). Call it once the store has subscribed (after a first wait on any of
    /// its queues): every store here then completes a wait whose wake-up is pending before the call returns.
    /// </summary>
    /// <remarks>
    /// On a queue that is new to a Redis store's subscription, the first wait looks at the queue itself and so does
    /// not complete at once; cancelled, it has still spent that look, which would otherwise find the test's own work.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The store completes every wait at once, so no wait could prove a signal.</exception>
    public static async Task ConsumePendingAsync(IJobStorage storage, string queue)
    {
        ArgumentNullException.ThrowIfNull(storage);
        for (int consumed = 0; consumed < MaxPending; consumed++)
        {
            using var cts = new CancellationTokenSource();
            Task wait = storage.WaitForWorkAsync(queue, cts.Token).AsTask();
            if (!wait.IsCompleted)
            {
                // Once round the scheduler first, for a store that completes a pending wake-up asynchronously.
                await Task.Yield();
                await cts.CancelAsync().ConfigureAwait(false);
            }

            try
            {
                await Deadline.Within(wait, $"a wait on queue '{queue}' to end, woken or cancelled").ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Nothing was pending: the next wait can only be completed by a new signal.
                return;
            }
        }

        throw new InvalidOperationException(
            $"{storage.GetType().Name} completed {MaxPending} waits on queue '{queue}' in a row at once: no wait on it can prove that a signal was raised.");
    }
}
