using JobQueue.Storage;

namespace JobQueue.TestSupport;

// Job administration: retry, delete and the throughput counts.
public abstract partial class DelegatingStorage
{
    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<RetryOutcome>> RetryAsync(RetryRequest request, CancellationToken cancellationToken) => inner.RetryAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<DeleteOutcome>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken) => inner.DeleteAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<ThroughputBucket>> GetThroughputAsync(ThroughputQuery query, CancellationToken cancellationToken) => inner.GetThroughputAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<int> PruneThroughputAsync(ThroughputPruneRequest request, CancellationToken cancellationToken) => inner.PruneThroughputAsync(request, cancellationToken);
}
