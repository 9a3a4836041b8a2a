using JobQueue.Storage;

namespace JobQueue.Testing;

/// <summary>
/// Lets several test hosts share one store instance (as several processes share one database) without the
/// first host to stop disposing it: this wrapper is not disposable, so the host's container leaves it alone.
/// </summary>
public sealed class SharedStorage(IJobStorage inner) : IJobStorage
{
    /// <inheritdoc />
    public StorageCapabilities Capabilities => inner.Capabilities;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken) => inner.EnqueueAsync(request, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken) => inner.FetchAsync(request, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken) => inner.ExtendLeasesAsync(leases, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken) => inner.CompleteAsync(completions, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken) => inner.FailAsync(failures, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken) => inner.RescheduleAsync(reschedules, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken) => inner.ReportProgressAsync(reports, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken) => inner.RescueExpiredLeasesAsync(request, cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> PromoteDueJobsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => inner.PromoteDueJobsAsync(now, limit, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(IReadOnlyList<JobId> ids, DateTimeOffset now, CancellationToken cancellationToken) => inner.CancelAsync(ids, now, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken) => inner.GetJobsAsync(ids, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredJob>> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken) => inner.QueryJobsAsync(query, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken) => inner.GetBatchAsync(id, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken) => inner.GetQueueStatisticsAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken) => inner.PruneAsync(request, cancellationToken);

    /// <inheritdoc />
    public ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken) => inner.WaitForWorkAsync(queue, cancellationToken);

    /// <inheritdoc />
    public ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken) => inner.WaitForFinishAsync(id, cancellationToken);
}
