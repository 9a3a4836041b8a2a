using JobQueue.Storage;

namespace JobQueue.TestSupport;

public abstract partial class DelegatingStorage
{
    /// <inheritdoc />
    public virtual ValueTask<bool> PauseQueueAsync(PauseQueueRequest request, CancellationToken cancellationToken) => inner.PauseQueueAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> ResumeQueueAsync(ResumeQueueRequest request, CancellationToken cancellationToken) => inner.ResumeQueueAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(CancellationToken cancellationToken) => inner.GetPausedQueuesAsync(cancellationToken);
}
