using JobQueue.Storage;

namespace JobQueue.TestSupport;

/// <summary>
/// A real store seen through a wrapper that a test can override member by member, to hold a call at a chosen
/// moment or to observe it. Not disposable, so a host's container leaves the inner store alone.
/// </summary>
public abstract partial class DelegatingStorage(IJobStorage inner) : IJobStorage
{
    /// <inheritdoc />
    public virtual StorageCapabilities Capabilities => inner.Capabilities;

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken) => inner.EnqueueAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<EnqueueResult> EnqueueOneAsync(NewJob job, DateTimeOffset now, CancellationToken cancellationToken) => inner.EnqueueOneAsync(job, now, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken) => inner.FetchAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken) => inner.ExtendLeasesAsync(leases, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken) => inner.CompleteAsync(completions, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken) => inner.FailAsync(failures, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken) => inner.RescheduleAsync(reschedules, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken) => inner.ReportProgressAsync(reports, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken) => inner.RescueExpiredLeasesAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<int> PromoteDueJobsAsync(PromoteRequest request, CancellationToken cancellationToken) => inner.PromoteDueJobsAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(CancelRequest request, CancellationToken cancellationToken) => inner.CancelAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken) => inner.GetJobsAsync(ids, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<StoredJobPage> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken) => inner.QueryJobsAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken) => inner.GetBatchAsync(id, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken) => inner.GetQueueStatisticsAsync(cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(CancellationToken cancellationToken) => inner.GetReadyQueuesAsync(cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken) => inner.PruneAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken) => inner.WaitForWorkAsync(queue, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken) => inner.WaitForFinishAsync(id, cancellationToken);
}
