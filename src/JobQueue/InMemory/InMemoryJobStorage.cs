using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>The in-memory store. Placeholder: being implemented.</summary>
internal sealed class InMemoryJobStorage : IJobStorage
{
    private readonly InMemoryStorageOptions _options;

    public InMemoryJobStorage(InMemoryStorageOptions options)
    {
        _options = options;
    }

    public StorageCapabilities Capabilities { get; } = new() { WakeUpSignal = true, FinishSignal = true };

    public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken) => throw new NotImplementedException(_options.ToString());

    public ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<int> PromoteDueJobsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(IReadOnlyList<JobId> ids, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<StoredJob>> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken) => throw new NotImplementedException();
}
