using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Storage.Tests.Engine;

/// <summary>
/// The engine suite for stores that keep jobs as data something else can damage (SQL rows, Redis hashes): a job its
/// store cannot fully read fails for good, once, without running, and costs the jobs fetched with it nothing; its
/// queue keeps flowing. The in-memory store cannot hold a damaged job, so it derives from
/// <see cref="EngineConformanceTests"/> directly and these tests do not apply to it.
/// </summary>
public abstract class DurableEngineConformanceTests : EngineConformanceTests
{
    /// <summary>Damages a stored job directly in the store, behind the SPI's back.</summary>
    /// <returns>The name the store's reader gives the damaged field in <see cref="StoredJob.Unreadable"/>.</returns>
    protected abstract Task<string> DamageAsync(JobId id, Damage damage);

    [Theory]
    [InlineData(Damage.Errors)]
    [InlineData(Damage.Time)]
    public async Task Execute_OneJobOfAFetchDamaged_FailsItForGoodWithoutRunningAndRunsTheOthersOnce(Damage damage)
    {
        TestHost host = await StartHostAsync(start: false);
        JobId first = await host.Client.EnqueueAsync(new RecordArgs("first"));
        JobId damaged = await host.Client.EnqueueAsync(new RecordArgs("damaged"));
        JobId last = await host.Client.EnqueueAsync(new RecordArgs("last"));
        string field = await DamageAsync(damaged, damage);

        await host.StartAsync();
        JobInfo failed = await host.WaitAsync(damaged);
        JobInfo firstDone = await host.WaitAsync(first);
        JobInfo lastDone = await host.WaitAsync(last);
        JobInfo later = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("later")));

        failed.State.Should().Be(JobState.Failed, "retrying cannot repair stored data, whatever attempts remain");
        failed.MaxAttempts.Should().BeGreaterThan(failed.Attempt);
        failed.Error!.Type.Should().Be("JobQueue.UnreadableJobException");
        failed.Error.Message.Should().Contain(field);
        Probe.Count("damaged").Should().Be(0, "a job that does not read is not run");
        firstDone.State.Should().Be(JobState.Succeeded);
        firstDone.Attempt.Should().Be(1);
        lastDone.State.Should().Be(JobState.Succeeded);
        lastDone.Attempt.Should().Be(1);
        later.State.Should().Be(JobState.Succeeded, "the queue keeps flowing");
        Probe.Events.Should().BeEquivalentTo(["first", "last", "later"]);
    }

    [Fact]
    public async Task Execute_JobWithUnknownState_NeverRunsShowsFailedAndTheQueueFlows()
    {
        TestHost host = await StartHostAsync(start: false);
        JobId damaged = await host.Client.EnqueueAsync(new RecordArgs("damaged"));
        JobId other = await host.Client.EnqueueAsync(new RecordArgs("other"));
        string field = await DamageAsync(damaged, Damage.State);

        await host.StartAsync();
        JobInfo otherDone = await host.WaitAsync(other);
        JobInfo later = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("later")));
        JobInfo shown = await host.WaitAsync(damaged);

        otherDone.State.Should().Be(JobState.Succeeded);
        later.State.Should().Be(JobState.Succeeded);

        // No host ever fetches it; reading it shows it finished, and why, so waiting for it does not hang.
        shown.State.Should().Be(JobState.Failed);
        shown.Error!.Type.Should().Be("JobQueue.UnreadableJobException");
        shown.Error.Message.Should().Contain(field);
        Probe.Count("damaged").Should().Be(0);
    }

    [Fact]
    public async Task Batch_ChildDamaged_CountsAsAFailedChildAndTheFailureCallbackRunsOnce()
    {
        TestHost host = await StartHostAsync(start: false);
        BatchId batchId = await host.Client.StartBatchAsync(b =>
        {
            b.Enqueue(new ChildArgs("good"));
            b.Enqueue(new ChildArgs("damaged"));
            b.OnSuccess(new CallbackArgs("dispatch"));
            b.OnFailure(new CallbackArgs("alarm"));
        });
        IReadOnlyList<StoredJob> children = (await Storage.QueryJobsAsync(new JobQuery { BatchId = batchId, Queue = "default", Limit = 100, CountLimit = 0 }, default)).Jobs;
        StoredJob damaged = children.Single(c => c.Arguments.AsSpan().IndexOf("damaged"u8) >= 0);
        await DamageAsync(damaged.Id, Damage.Errors);

        await host.StartAsync();
        await Probe.WaitAsync("alarm");
        JobInfo failed = await host.WaitAsync(damaged.Id);
        BatchInfo? batch = await host.Client.GetBatchAsync(batchId);

        failed.Error!.Type.Should().Be("JobQueue.UnreadableJobException");
        batch!.State.Should().Be(BatchState.Failed);
        batch.Failed.Should().Be(1);
        Probe.Count("alarm").Should().Be(1);
        Probe.Count("dispatch").Should().Be(0);
    }
}
