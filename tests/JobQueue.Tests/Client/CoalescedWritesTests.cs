using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.Testing;
using JobQueue.Testing.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Client;

/// <summary>The engine with write coalescing on, as the network stores run it, over the in-memory store.</summary>
public sealed class CoalescedWritesTests
{
    private readonly Probe _probe = new();

    /// <summary>The in-memory store claiming the capability the network stores have.</summary>
    private sealed class CoalescingStorage(IJobStorage inner) : IJobStorage
    {
        public StorageCapabilities Capabilities { get; } = inner.Capabilities with { CoalesceWrites = true };

        public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken) => inner.EnqueueAsync(request, cancellationToken);

        public ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken) => inner.FetchAsync(request, cancellationToken);

        public ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken) => inner.ExtendLeasesAsync(leases, cancellationToken);

        public ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken) => inner.CompleteAsync(completions, cancellationToken);

        public ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken) => inner.FailAsync(failures, cancellationToken);

        public ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken) => inner.RescheduleAsync(reschedules, cancellationToken);

        public ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken) => inner.ReportProgressAsync(reports, cancellationToken);

        public ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken) => inner.RescueExpiredLeasesAsync(request, cancellationToken);

        public ValueTask<int> PromoteDueJobsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => inner.PromoteDueJobsAsync(now, limit, cancellationToken);

        public ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(IReadOnlyList<JobId> ids, DateTimeOffset now, CancellationToken cancellationToken) => inner.CancelAsync(ids, now, cancellationToken);

        public ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken) => inner.GetJobsAsync(ids, cancellationToken);

        public ValueTask<IReadOnlyList<StoredJob>> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken) => inner.QueryJobsAsync(query, cancellationToken);

        public ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken) => inner.GetBatchAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken) => inner.GetQueueStatisticsAsync(cancellationToken);

        public ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken) => inner.PruneAsync(request, cancellationToken);

        public ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken) => inner.WaitForWorkAsync(queue, cancellationToken);

        public ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken) => inner.WaitForFinishAsync(id, cancellationToken);
    }

    private Task<TestHost> StartAsync(bool start = true) => TestHost.StartAsync(
        q => q.UseStorage("Coalescing", _ => new CoalescingStorage(new InMemoryJobStorage(new InMemoryStorageOptions())))
            .AddTestJobs()
            .Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(50)),
        s => s.AddSingleton(_probe),
        start);

    [Fact]
    public async Task Enqueue_ManyConcurrentCallers_EveryJobIsWrittenOnceAndRuns()
    {
        await using TestHost host = await StartAsync();

        JobId[] ids = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => host.Client.EnqueueAsync(new AddArgs(i, 1)).AsTask()));

        ids.Should().OnlyHaveUniqueItems();
        for (int i = 0; i < ids.Length; i++)
        {
            (await host.WaitAsync(ids[i])).GetResult<Sum>()!.Value.Should().Be(i + 1);
        }
    }

    [Fact]
    public async Task Enqueue_ConcurrentCallersWithOneKey_AllGetTheFirstJobsId()
    {
        await using TestHost host = await StartAsync(start: false);

        JobId[] ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            host.Client.EnqueueAsync(new RecordArgs($"r{i}"), new EnqueueOptions { IdempotencyKey = "the-one" }).AsTask()));
        IReadOnlyList<QueueStatistics> stats = await host.Storage.GetQueueStatisticsAsync(default);

        ids.Distinct().Should().ContainSingle();
        stats.Single().Enqueued.Should().Be(1);
    }

    [Fact]
    public async Task Enqueue_OneCallerCancelsWhileWaiting_OthersAreUnaffected()
    {
        await using TestHost host = await StartAsync(start: false);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Func<Task> act = async () => await host.Client.EnqueueAsync(new RecordArgs("gave-up"), cancellationToken: cancelled.Token);
        JobId kept = await host.Client.EnqueueAsync(new RecordArgs("kept"));

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await host.Client.GetAsync(kept))!.State.Should().Be(JobState.Enqueued);
    }
}
