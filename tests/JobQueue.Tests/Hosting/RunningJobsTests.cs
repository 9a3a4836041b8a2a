using JobQueue.Hosting;
using JobQueue.Storage;
using JobQueue.TestSupport;

namespace JobQueue.Tests.Hosting;

public sealed class RunningJobsTests
{
    [Fact]
    public void WhenEmptyAsync_NothingRuns_IsCompleted()
    {
        new RunningJobs().WhenEmptyAsync().IsCompleted.Should().BeTrue();
    }

    [Fact]
    public async Task WhenEmptyAsync_TwoAttemptsOfOneJob_CompletesOnlyAfterBothEnded()
    {
        var running = new RunningJobs();
        JobId id = JobId.New();
        var first = new ActiveJob(Leased(id));
        var second = new ActiveJob(Leased(id));
        running.Add(first);
        running.Add(second); // the same job fetched again after its lease expired: replaces the first in the map

        Task emptied = running.WhenEmptyAsync();
        running.Remove(first);

        emptied.IsCompleted.Should().BeFalse("the second attempt still runs");
        running.Remove(second);
        await Deadline.Within(emptied, "the last attempt's end");
    }

    private static StoredJob Leased(JobId id) => new()
    {
        Id = id,
        Name = "test",
        Queue = "default",
        State = JobState.Running,
        Arguments = "{}"u8.ToArray(),
        Attempt = 1,
        MaxAttempts = 1,
        Timeout = TimeSpan.FromMinutes(1),
        RetryDelay = TimeSpan.FromSeconds(1),
        RunAt = DateTimeOffset.UnixEpoch,
        EnqueuedAt = DateTimeOffset.UnixEpoch,
        LeaseToken = Guid.NewGuid(),
    };
}
