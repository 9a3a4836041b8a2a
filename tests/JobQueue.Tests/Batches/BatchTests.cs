using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Tests.Batches;

public sealed class BatchTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task StartBatch_ThousandChildren_RunsSuccessCallbackOnceAfterAllSucceeded()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        BatchId batchId = await host.Client.StartBatchAsync(b =>
        {
            for (int i = 0; i < 1000; i++)
            {
                b.Enqueue(new ChildArgs($"c{i}"));
            }

            b.OnSuccess(new CallbackArgs("dispatch"));
            b.OnFailure(new CallbackArgs("alarm"));
        });
        await _probe.WaitAsync("dispatch");
        BatchInfo? batch = await host.Client.GetBatchAsync(batchId);
        JobInfo failure = await host.WaitAsync(batch!.FailureJobId!.Value);

        _probe.Count("child").Should().Be(1000);
        _probe.Count("dispatch").Should().Be(1);
        _probe.Events.Should().Contain("dispatch:succeeded=1000:failed=0:pending=0");
        _probe.Events.Last(e => e == "child" || e == "dispatch").Should().Be("dispatch");
        batch.State.Should().Be(BatchState.Succeeded);
        batch.Total.Should().Be(1000);
        batch.Succeeded.Should().Be(1000);
        batch.FinishedAt.Should().NotBeNull();
        failure.State.Should().Be(JobState.Cancelled);
        _probe.Count("alarm").Should().Be(0);
    }

    [Fact]
    public async Task EnqueueIntoBatch_RunningChildAddsChildren_SuccessCallbackWaitsForThem()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        BatchId batchId = await host.Client.StartBatchAsync(b =>
        {
            b.Enqueue(new ChildArgs("planner", Spawn: 5));
            b.Enqueue(new ChildArgs("plain"));
            b.OnSuccess(new CallbackArgs("dispatch"));
        });
        await _probe.WaitAsync("dispatch");
        BatchInfo? batch = await host.Client.GetBatchAsync(batchId);

        _probe.Count("child").Should().Be(7);
        _probe.Events.Should().Contain("dispatch:succeeded=7:failed=0:pending=0");
        batch!.Total.Should().Be(7);
        batch.State.Should().Be(BatchState.Succeeded);
    }

    [Fact]
    public async Task StartBatch_ChildFailsForGood_RunsFailureCallbackOnceAndOtherChildrenFinish()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        BatchId batchId = await host.Client.StartBatchAsync(b =>
        {
            b.Enqueue(new ChildArgs("bad-1", Fail: true));
            b.Enqueue(new ChildArgs("bad-2", Fail: true));
            for (int i = 0; i < 20; i++)
            {
                b.Enqueue(new ChildArgs($"good{i}"));
            }

            b.OnSuccess(new CallbackArgs("dispatch"));
            b.OnFailure(new CallbackArgs("alarm"));
        });
        await _probe.WaitAsync("alarm");
        BatchInfo? batch = await host.Client.GetBatchAsync(batchId);
        foreach (JobInfo job in await ChildrenAsync(host, batchId))
        {
            await host.WaitAsync(job.Id);
        }

        BatchInfo? finished = await host.Client.GetBatchAsync(batchId);
        JobInfo success = await host.WaitAsync(batch!.SuccessJobId!.Value);

        _probe.Count("alarm").Should().Be(1);
        _probe.Count("dispatch").Should().Be(0);
        success.State.Should().Be(JobState.Cancelled);
        finished!.State.Should().Be(BatchState.Failed);
        finished.Failed.Should().Be(2);
        finished.Succeeded.Should().Be(20);
        finished.Pending.Should().Be(0);
        _probe.Count("child").Should().Be(20);
    }

    [Fact]
    public async Task StartBatch_NoChildren_ThrowsAndWritesNothing()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        Func<Task> act = async () => await host.Client.StartBatchAsync(b => b.OnSuccess(new CallbackArgs("dispatch")));

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*no child job*");
        (await host.Storage.GetQueueStatisticsAsync(default)).Should().BeEmpty();
    }

    [Fact]
    public async Task EnqueueIntoBatch_JobOutsideBatch_ThrowsClearError()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new ChildArgs("loner", Spawn: 1)));

        info.State.Should().Be(JobState.Failed);
        info.Error!.Message.Should().Contain("is not part of a batch");
    }

    private static async Task<IReadOnlyList<JobInfo>> ChildrenAsync(TestHost host, BatchId batchId)
    {
        var jobs = (await host.Storage.QueryJobsAsync(new JobQueue.Storage.JobQuery { BatchId = batchId, Limit = 1000, CountLimit = 0 }, default)).Jobs;
        var infos = new List<JobInfo>();
        foreach (var job in jobs)
        {
            infos.Add((await host.Client.GetAsync(job.Id))!);
        }

        return infos;
    }
}
