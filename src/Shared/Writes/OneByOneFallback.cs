using System.Runtime.CompilerServices;

namespace JobQueue.Writes;

/// <summary>
/// "The bulk write failed: write the items one by one", written once. A bulk call that fails writes nothing, and its
/// error may belong to one item, or to the call itself (a deadlock between two bulk calls); written alone, each item
/// gets its own outcome or error and one bad item never fails the others. Shared as linked source (src/Shared) by the
/// core's write coalescer and the stores whose bulk calls can fail that way; each keeps only its store-specific calls.
/// </summary>
internal static class OneByOneFallback
{
    /// <summary>
    /// Writes <paramref name="items"/> in one call of <paramref name="writeMany"/>, or, when that call throws an exception
    /// <paramref name="retryEach"/> accepts, with one call of <paramref name="writeOne"/> per item, in order. A single item,
    /// or a store with no bulk form here (<paramref name="writeMany"/> null), goes straight to <paramref name="writeOne"/>:
    /// its own call was its bulk call. An error of <paramref name="writeOne"/> reaches the caller, and so does one of
    /// <paramref name="writeMany"/> that <paramref name="retryEach"/> refuses (a time-out, which every item would wait
    /// out again alone).
    /// </summary>
    /// <param name="items">The items, never empty.</param>
    /// <param name="state">What the calls need (passed to them, so no closure is allocated per write).</param>
    /// <param name="writeMany">The bulk call; results in item order.</param>
    /// <param name="writeOne">The call for one item.</param>
    /// <param name="retryEach">Whether a failed bulk call's items are to be written one by one.</param>
    /// <returns>The results, in item order.</returns>
    // Pooled: the write coalescer awaits one of these for every batch of writes it carries.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<IReadOnlyList<TResult>> WriteAsync<TState, TItem, TResult>(IReadOnlyList<TItem> items, TState state,
        Func<TState, IReadOnlyList<TItem>, ValueTask<IReadOnlyList<TResult>>>? writeMany, Func<TState, TItem, ValueTask<TResult>> writeOne,
        Func<TState, Exception, bool> retryEach)
    {
        if (items.Count > 1 && writeMany is not null)
        {
            try
            {
                return await writeMany(state, items).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Only what retryEach accepts is caught; the items are then written one by one.
            catch (Exception ex) when (retryEach(state, ex))
#pragma warning restore CA1031
            {
            }
        }

        var results = new TResult[items.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = await writeOne(state, items[i]).ConfigureAwait(false);
        }

        return results;
    }
}
