using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Client;

/// <summary>The engine with write coalescing on, as the network stores run it, over the in-memory store.</summary>
public sealed class CoalescedWritesTests
{
    private readonly Probe _probe = new();

    /// <summary>The in-memory store claiming the capability the network stores have.</summary>
    private sealed class CoalescingStorage(IJobStorage inner) : DelegatingStorage(inner)
    {
        public override StorageCapabilities Capabilities { get; } = inner.Capabilities with { CoalesceWrites = true };
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
