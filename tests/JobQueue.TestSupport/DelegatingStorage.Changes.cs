using JobQueue.Storage;

namespace JobQueue.TestSupport;

// Job changes.
public abstract partial class DelegatingStorage
{
    /// <inheritdoc />
    public virtual ValueTask WaitForChangeAsync(JobId id, CancellationToken cancellationToken) => inner.WaitForChangeAsync(id, cancellationToken);
}
