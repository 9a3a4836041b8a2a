using System.Threading.Channels;
using JobQueue.Writes;

namespace JobQueue.Storage;

/// <summary>
/// Turns concurrent single-item writes into bulk store calls: the first write goes out alone at once, and
/// every write that arrives while a call is in flight joins the next call. Latency stays one round trip for a
/// lone caller; under load, N callers share one round trip and one commit.
/// </summary>
/// <remarks>
/// Each caller still returns only after its own item is written (durable): coalescing changes how many
/// calls carry the items, not what a returned call means. If a bulk call throws, its items are written one
/// by one so that each caller gets its own outcome or error, and one bad item never fails the others; but a
/// call that timed out fails every item of it at once, since a time-out is the store's, never an item's.
/// </remarks>
internal sealed class WriteCoalescer<TItem, TResult>
{
    // The bulk call and its one-by-one fallback (OneByOneFallback), cached: no delegate is allocated per batch.
    private static readonly Func<WriteCoalescer<TItem, TResult>, IReadOnlyList<Pending>, ValueTask<IReadOnlyList<TResult>>> s_writeMany =
        static (coalescer, batch) => coalescer.WriteManyAsync(batch);

    private static readonly Func<WriteCoalescer<TItem, TResult>, Pending, ValueTask<TResult>> s_writeOne =
        static (coalescer, pending) => coalescer.WriteOneAsync(pending);

    private static readonly Func<WriteCoalescer<TItem, TResult>, Exception, bool> s_retryEach = static (_, ex) => !TimedOut(ex);

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TItem>, ValueTask<IReadOnlyList<TResult>>> _write;
    private readonly int _maxBatch;

    // Reused by every drain: only the writer holding _draining fills it. A new list per drain cost a lone
    // writer an array of _maxBatch slots (8 KB at a thousand) on every call.
    private readonly List<Pending> _batch = [];
    private int _draining;

    /// <param name="write">The bulk write; results come back in item order.</param>
    /// <param name="maxBatch">The most items one call carries.</param>
    public WriteCoalescer(Func<IReadOnlyList<TItem>, ValueTask<IReadOnlyList<TResult>>> write, int maxBatch)
    {
        _write = write;
        _maxBatch = maxBatch;
    }

    /// <summary>Writes <paramref name="item"/>, in a call of its own or shared with concurrent writes.</summary>
    /// <remarks>Cancelling stops the wait, not the write: an item already handed over may still be written.</remarks>
    public Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken)
    {
        // A caller that gave up before the call hands nothing over, as a store call with its token would.
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        bool holder = Interlocked.CompareExchange(ref _draining, 1, 0) == 0;
        if (holder && !_pending.Reader.TryPeek(out _))
        {
            // Nothing is in flight and nobody waits: this caller makes its own store call and awaits it, so it
            // resumes where that call completes instead of after a second hop through a TaskCompletionSource
            // (on a loaded machine, that hop was a large part of a lone PostgreSQL enqueue's time). Writers that
            // arrive meanwhile queue for the drain that follows the call.
            Task<TResult> alone = WriteAloneAsync(item);
            return cancellationToken.CanBeCanceled ? alone.WaitAsync(cancellationToken) : alone;
        }

        var pending = new Pending(item);
        _pending.Writer.TryWrite(pending);

        // Not the holder yet: the holder may have let go between that check and the queueing, and then no one
        // would take this item; whoever wins the flag now drains.
        if (holder || Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            // On this thread, so the first batch pays no thread-pool hop before its round trip. The drain's later
            // batches must not carry this caller's execution context (its trace, its async locals) into other
            // callers' writes.
            using (ExecutionContext.SuppressFlow())
            {
                _ = DrainAsync();
            }
        }

        return cancellationToken.CanBeCanceled ? pending.Task.WaitAsync(cancellationToken) : pending.Task;
    }

    /// <summary>A lone writer's own call, made while it holds the flag; hands the flag to a drain for anyone who queued meanwhile.</summary>
    private async Task<TResult> WriteAloneAsync(TItem item)
    {
        try
        {
            IReadOnlyList<TResult> results = await _write([item]).ConfigureAwait(false);
            return results[0];
        }
        finally
        {
            // A full fence, not a volatile write: the check below must not be read before the flag is seen free
            // (a store followed by a load may be reordered), or a writer that queued meanwhile and found the flag
            // still held would be left with nobody to write its item.
            Interlocked.Exchange(ref _draining, 0);

            // Writers that queued during the call saw the flag held and left their items to it. Their drain runs on
            // the thread pool: this caller returns at once, and its execution context does not reach their writes.
            if (_pending.Reader.TryPeek(out _) && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(DrainAsync);
                }
            }
        }
    }

    private async Task DrainAsync()
    {
        List<Pending> batch = _batch;

        // True while the drain still runs synchronously on the writer that started it (a store that completes
        // synchronously, such as SQLite, never leaves it). That writer is released after one batch: a steady
        // stream of other writers must not keep it draining for them.
        bool onStartingThread = true;
        while (true)
        {
            while (batch.Count < _maxBatch && _pending.Reader.TryRead(out Pending? next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                Interlocked.Exchange(ref _draining, 0); // a full fence, as in WriteAloneAsync

                // A writer may have queued an item after the last TryRead but seen the flag still set: take
                // the flag back and go on if so, or leave it to that writer's own drain if it already took it.
                if (_pending.Reader.TryPeek(out _) && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
                {
                    continue;
                }

                return;
            }

            Task written = WriteBatchAsync(batch);
            if (!written.IsCompleted)
            {
                onStartingThread = false;
            }

            await written.ConfigureAwait(false);
            batch.Clear();
            if (onStartingThread && _pending.Reader.TryPeek(out _))
            {
                onStartingThread = false;
                await Task.Yield();
            }
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        IReadOnlyList<TResult> results;
        try
        {
            results = await OneByOneFallback.WriteAsync(batch, this, s_writeMany, s_writeOne, s_retryEach).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The callers receive the exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // A call that timed out says the store did not answer, not that an item was bad: written one by one, each
            // item would wait out a time-out of its own, so on a stalled connection the last of N callers would fail
            // only after N time-outs (minutes, for a full batch) instead of one. Every caller gets this error now.
            foreach (Pending pending in batch)
            {
                pending.SetException(ex);
            }

            return;
        }

        for (int i = 0; i < batch.Count; i++)
        {
            // A no-op for an item written alone that failed: its caller already has its error.
            batch[i].TrySetResult(results[i]);
        }
    }

    private ValueTask<IReadOnlyList<TResult>> WriteManyAsync(IReadOnlyList<Pending> batch)
    {
        var items = new TItem[batch.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = batch[i].Item;
        }

        return _write(items);
    }

    /// <summary>One item written alone: its caller gets its own error, and the other items are still written.</summary>
    private async ValueTask<TResult> WriteOneAsync(Pending pending)
    {
        try
        {
            IReadOnlyList<TResult> results = await _write([pending.Item]).ConfigureAwait(false);
            return results[0];
        }
#pragma warning disable CA1031 // The caller receives the exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            pending.SetException(ex);
            return default!;
        }
    }

    /// <summary>Whether the call failed because the store did not answer in time (a time-out anywhere in the chain of causes).</summary>
    private static bool TimedOut(Exception ex)
    {
        for (Exception? cause = ex; cause is not null; cause = cause.InnerException)
        {
            if (cause is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Pending(TItem item) : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public TItem Item { get; } = item;
    }
}
