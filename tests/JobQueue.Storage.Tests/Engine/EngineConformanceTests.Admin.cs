using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Storage.Tests.Engine;

// Job administration through IJobAdmin with workers running: what an operator does after an outage.
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task Admin_FailedJobsRetriedInBulk_RunAgainAndAreCountedThenDeleted()
    {
        TestHost host = await StartHostAsync();
        IJobAdmin admin = host.Services.GetRequiredService<IJobAdmin>();
        var options = new EnqueueOptions { MaxAttempts = 1 };
        JobId[] ids =
        [
            await host.Client.EnqueueAsync(new FlakyArgs("outage-1", FailTimes: 1), options),
            await host.Client.EnqueueAsync(new FlakyArgs("outage-2", FailTimes: 1), options),
            await host.Client.EnqueueAsync(new FlakyArgs("outage-3", FailTimes: 1), options),
        ];
        foreach (JobId id in ids)
        {
            (await host.WaitAsync(id)).State.Should().Be(JobState.Failed);
        }

        JobPage failed = await admin.QueryJobsAsync(new JobFilter { State = JobState.Failed, Name = "test-flaky", Text = "failed on attempt 1" });
        int retried = await admin.RetryManyAsync(new JobFilter { State = JobState.Failed, Name = "test-flaky" }, maxJobs: 10);
        JobInfo[] after = [.. await Task.WhenAll(ids.Select(id => host.WaitAsync(id)))];
        IReadOnlyList<ThroughputPoint> throughput = await admin.GetThroughputAsync();
        int deleted = await admin.DeleteManyAsync(new JobFilter { Name = "test-flaky" }, maxJobs: 10);
        JobPage left = await admin.QueryJobsAsync(new JobFilter { Name = "test-flaky" });

        failed.Jobs.Select(j => j.Id).Should().Equal(ids.Reverse());
        (failed.Total, failed.TotalIsExact).Should().Be((3, true));
        retried.Should().Be(3);
        after.Should().OnlyContain(j => j.State == JobState.Succeeded && j.Attempt == 2 && j.Errors.Count == 1);
        Probe.Events.Should().Contain(["outage-1:attempt2", "outage-2:attempt2", "outage-3:attempt2"]);
        throughput.Where(p => p.Queue == "default").Sum(p => p.Failed).Should().Be(3);
        throughput.Where(p => p.Queue == "default").Sum(p => p.Succeeded).Should().Be(3);
        deleted.Should().Be(3);
        (left.Total, left.Jobs.Count).Should().Be((0, 0));
    }
}
