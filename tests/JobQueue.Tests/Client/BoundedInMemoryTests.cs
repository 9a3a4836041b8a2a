using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Client;

public sealed class BoundedInMemoryTests
{
    private readonly Probe _probe = new();

    private Task<TestHost> StartAsync(bool throwWhenFull, bool start) => TestHost.StartAsync(
        q => q.UseInMemory(o => { o.Capacity = 2; o.ThrowWhenFull = throwWhenFull; }).AddTestJobs(),
        s => s.AddSingleton(_probe),
        start);

    [Fact]
    public async Task Enqueue_StoreFullAndConfiguredToThrow_ThrowsQueueFullAndWritesNothing()
    {
        await using TestHost host = await StartAsync(throwWhenFull: true, start: false);
        await host.Client.EnqueueAsync(new RecordArgs("a"));
        await host.Client.EnqueueAsync(new RecordArgs("b"));

        Func<Task> third = async () => await host.Client.EnqueueAsync(new RecordArgs("c"));

        await third.Should().ThrowAsync<QueueFullException>().WithMessage("*2*");
        (await host.Storage.GetQueueStatisticsAsync(default)).Single().Enqueued.Should().Be(2);
    }

    [Fact]
    public async Task Enqueue_StoreFullAndConfiguredToWait_ReturnsOnceAJobFinishes()
    {
        await using TestHost host = await StartAsync(throwWhenFull: false, start: true);
        JobId first = await host.Client.EnqueueAsync(new GateArgs("hold-1"));
        await host.Client.EnqueueAsync(new GateArgs("hold-2"));
        await _probe.WaitAsync("hold-1:started");

        Task<JobId> waiting = host.Client.EnqueueAsync(new RecordArgs("third")).AsTask();
        bool waitedWhileFull = !waiting.IsCompleted;
        _probe.Open("hold-1");
        await host.WaitAsync(first);
        JobId third = await Deadline.Within(waiting, "the waiting enqueue to get room");
        _probe.Open("hold-2");

        waitedWhileFull.Should().BeTrue();
        (await host.WaitAsync(third)).State.Should().Be(JobState.Succeeded);
    }
}
