using JobQueue.Storage;

namespace JobQueue.TestSupport;

public abstract partial class DelegatingStorage
{
    /// <inheritdoc />
    public virtual ValueTask SaveJobLogsAsync(IReadOnlyList<JobLogWrite> logs, CancellationToken cancellationToken) => inner.SaveJobLogsAsync(logs, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<StoredJobLog>> GetJobLogsAsync(JobId id, CancellationToken cancellationToken) => inner.GetJobLogsAsync(id, cancellationToken);
}
