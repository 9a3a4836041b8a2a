using JobQueue.Hosting;
using JobQueue.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Storage.Tests.Engine;

/// <summary>The contract a web process and a worker process share: the arguments and result records, nothing else.</summary>
[JobName("contract-receipt")]
[JobDefaults(Queue = "receipts", Priority = 3, MaxAttempts = 4, Timeout = "00:01:30", RetryDelay = "00:00:02")]
public sealed record ReceiptRequested(string OrderId);

public sealed record ReceiptWritten(string Text);

/// <summary>The handler, which only the worker process registers.</summary>
public sealed class WriteReceiptJob : IJob<ReceiptRequested, ReceiptWritten>
{
    public Task<ReceiptWritten> ExecuteAsync(ReceiptRequested args, JobContext context, CancellationToken cancellationToken)
        => Task.FromResult(new ReceiptWritten($"receipt for {args.OrderId}"));
}

// A web process that references the contract records only (no handler, no AddJob) and a worker process that runs them.
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task Contract_WebProcessWithoutTheHandler_EnqueuesWithTheContractsOptions_WorkerRunsIt()
    {
        TestHost worker = await StartHostAsync(q => q.AddJob<WriteReceiptJob>());
        await worker.Services.GetRequiredService<WorkerHost>().Heartbeats.BeatAsync(CancellationToken.None);
        TestHost web = await StartEnqueueOnlyHostAsync();

        JobId id = await web.Client.EnqueueAsync(new ReceiptRequested("order-17"));
        JobInfo info = await web.WaitAsync(id);

        info.State.Should().Be(JobState.Succeeded);
        info.GetResult<ReceiptWritten>().Should().Be(new ReceiptWritten("receipt for order-17"));
        info.Name.Should().Be("contract-receipt");
        info.Queue.Should().Be("receipts");
        info.Priority.Should().Be(3);
        info.MaxAttempts.Should().Be(4);
        web.Logs.Entries.Should().NotContain(entry => entry.EventId == 4001, "a live worker host serves the receipts queue");
    }

    [Fact]
    public async Task Contract_EnqueueIntoAQueueNoLiveHostServes_WarnsOncePerQueue_AndTheJobWaits()
    {
        TestHost web = await StartEnqueueOnlyHostAsync();

        JobId first = await web.Client.EnqueueAsync(new ReceiptRequested("order-1"));
        await web.Client.EnqueueManyAsync([new ReceiptRequested("order-2"), new ReceiptRequested("order-3")]);

        LogEntry warning = web.Logs.Entries.Should().ContainSingle(entry => entry.EventId == 4001).Subject;
        warning.Level.Should().Be(Microsoft.Extensions.Logging.LogLevel.Warning);
        warning.Message.Should().Contain("receipts").And.Contain("AddQueue");
        (await web.Client.GetAsync(first))!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task Contract_ABatchFromAProcessWithoutHandlers_RunsOnTheWorker()
    {
        TestHost worker = await StartHostAsync(q => q.AddJob<WriteReceiptJob>());
        TestHost web = await StartEnqueueOnlyHostAsync();

        JobId callback = default;
        BatchId batch = await web.Client.StartBatchAsync(b =>
        {
            b.Enqueue(new ReceiptRequested("order-a"));
            b.Enqueue(new ReceiptRequested("order-b"));
            callback = b.OnSuccess(new ReceiptRequested("all"));
        });

        (await web.WaitAsync(callback)).GetResult<ReceiptWritten>().Should().Be(new ReceiptWritten("receipt for all"));
        (await worker.Client.GetBatchAsync(batch))!.Succeeded.Should().Be(2);
    }

    /// <summary>A process on the shared store with no job registered and no worker: a web front end that only enqueues.</summary>
    private async Task<TestHost> StartEnqueueOnlyHostAsync()
    {
        var shared = new SharedStorage(Storage);
        TestHost host = await TestHost.StartAsync(q =>
        {
            q.UseStorage("Shared", _ => shared);
            q.Configure(o =>
            {
                o.RunWorker = false;
                o.PollInterval = TimeSpan.FromMilliseconds(50);
            });
        });
        _hosts.Add(host);
        return host;
    }
}
