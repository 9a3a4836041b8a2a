using System.Text;
using JobQueue.Admin;
using JobQueue.InMemory;
using JobQueue.Storage;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Tests.Admin;

/// <summary>IJobAdmin's jobs members over the in-memory store: the checks, refusals and steps that are the engine's.</summary>
public sealed class JobAdminJobsTests
{
    private static readonly DateTimeOffset s_t0 = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(s_t0);
    private readonly InMemoryJobStorage _storage = new(new InMemoryStorageOptions());
    private readonly JobAdmin _admin;

    public JobAdminJobsTests()
    {
        _admin = new JobAdmin(_storage, _time);
    }

    [Fact]
    public async Task QueryJobsAsync_FailedJobsOverTwoPages_NewestFirstWithTheTotal()
    {
        JobId[] failed = await FailedAsync(3);
        await EnqueueAsync(Job());

        JobPage first = await _admin.QueryJobsAsync(new JobFilter { State = JobState.Failed, PageSize = 2 });
        JobPage second = await _admin.QueryJobsAsync(new JobFilter { State = JobState.Failed, PageSize = 2, Continuation = first.Continuation });

        first.Jobs.Select(j => j.Id).Should().Equal(failed[2], failed[1]);
        first.Jobs.Should().OnlyContain(j => j.State == JobState.Failed && j.Error!.Message == "boom");
        (first.Total, first.TotalIsExact).Should().Be((3, true));
        second.Jobs.Select(j => j.Id).Should().Equal(failed[0]);
        second.Continuation.Should().BeNull();
    }

    [Theory]
    [InlineData(0, null, "*PageSize is 0*")]
    [InlineData(1001, null, "*PageSize is 1001*")]
    [InlineData(50, "", "*Name is empty*")]
    public async Task QueryJobsAsync_BadFilter_ThrowsNamingTheValue(int pageSize, string? name, string message)
    {
        Func<Task> act = async () => await _admin.QueryJobsAsync(new JobFilter { PageSize = pageSize, Name = name });

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage(message);
    }

    [Fact]
    public async Task QueryJobsAsync_TextLongerThanTheLimit_ThrowsWithItsLength()
    {
        Func<Task> act = async () => await _admin.QueryJobsAsync(new JobFilter { Text = new string('x', JobFilter.MaxTextLength + 1) });

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*1001 characters*");
    }

    [Fact]
    public async Task QueryJobsAsync_ContinuationNotMadeByTheStore_ThrowsNamingIt()
    {
        Func<Task> act = async () => await _admin.QueryJobsAsync(new JobFilter { Continuation = "page-2" });

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*JobFilter.Continuation is 'page-2'*");
    }

    [Fact]
    public async Task RetryAsync_FailedJob_EnqueuedAtTheAdminsClock()
    {
        JobId id = (await FailedAsync(1))[0];
        _time.Advance(TimeSpan.FromMinutes(3));

        bool retried = await _admin.RetryAsync(id);
        StoredJob job = (await _storage.GetJobsAsync([id], default))[0]!;

        retried.Should().BeTrue();
        (job.State, job.RunAt, job.Attempt, job.Errors.Count).Should().Be((JobState.Enqueued, s_t0.AddMinutes(3), 1, 1));
    }

    [Fact]
    public async Task RetryAsync_UnfinishedSucceededOrMissingJob_RefusedWithItsReasonOrFalse()
    {
        JobId succeeded = await SucceededAsync();
        NewJob waiting = Job();
        await EnqueueAsync(waiting);

        Func<Task> retryWaiting = async () => await _admin.RetryAsync(waiting.Id);
        Func<Task> retrySucceeded = async () => await _admin.RetryAsync(succeeded);
        bool missing = await _admin.RetryAsync(JobId.New());

        JobOperationRefusedException notFinished = (await retryWaiting.Should().ThrowAsync<JobOperationRefusedException>()).Which;
        (notFinished.JobId, notFinished.Reason).Should().Be((waiting.Id, JobRefusalReason.NotFinished));
        notFinished.Message.Should().Contain(waiting.Id.ToString());
        (await retrySucceeded.Should().ThrowAsync<JobOperationRefusedException>()).Which.Reason.Should().Be(JobRefusalReason.Succeeded);
        missing.Should().BeFalse();
    }

    [Fact]
    public async Task DeleteAsync_FinishedUnfinishedAndMissingJobs_DeletedRefusedOrFalse()
    {
        JobId failed = (await FailedAsync(1))[0];
        NewJob waiting = Job();
        await EnqueueAsync(waiting);

        bool deleted = await _admin.DeleteAsync(failed);
        Func<Task> deleteWaiting = async () => await _admin.DeleteAsync(waiting.Id);
        bool missing = await _admin.DeleteAsync(failed);

        deleted.Should().BeTrue();
        (await deleteWaiting.Should().ThrowAsync<JobOperationRefusedException>()).Which.Reason.Should().Be(JobRefusalReason.NotFinished);
        missing.Should().BeFalse("it was deleted already");
        (await _storage.GetJobsAsync([waiting.Id], default))[0]!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task RetryManyAsync_MoreMatchesThanTheCap_RetriesTheNewestUpToTheCapOverSeveralSteps()
    {
        JobId[] failed = await FailedAsync(250, name: "export");
        await FailedAsync(5, name: "mail");

        int retried = await _admin.RetryManyAsync(new JobFilter { Name = "export" }, maxJobs: 120);
        JobPage left = await _admin.QueryJobsAsync(new JobFilter { Name = "export", State = JobState.Failed, PageSize = 1 });
        JobPage enqueued = await _admin.QueryJobsAsync(new JobFilter { State = JobState.Enqueued, PageSize = 1000 });

        retried.Should().Be(120);
        left.Total.Should().Be(130);
        left.Jobs.Single().Id.Should().Be(failed[129], "the newest 120 were retried");
        enqueued.Jobs.Select(j => j.Id).Should().BeEquivalentTo(failed[130..]);
    }

    [Fact]
    public async Task RetryManyAsync_StateThatIsNotRetried_ThrowsBeforeTouchingAnything()
    {
        await FailedAsync(1);

        Func<Task> succeeded = async () => await _admin.RetryManyAsync(new JobFilter { State = JobState.Succeeded }, 10);
        Func<Task> negative = async () => await _admin.RetryManyAsync(new JobFilter(), -1);

        (await succeeded.Should().ThrowAsync<ArgumentException>()).WithMessage("*State is Succeeded*");
        await negative.Should().ThrowAsync<ArgumentOutOfRangeException>();
        (await _admin.QueryJobsAsync(new JobFilter { State = JobState.Failed })).Total.Should().Be(1);
    }

    [Fact]
    public async Task DeleteManyAsync_NoState_DeletesFinishedJobsOnly()
    {
        await FailedAsync(3);
        await SucceededAsync();
        NewJob waiting = Job();
        await EnqueueAsync(waiting);

        int deleted = await _admin.DeleteManyAsync(new JobFilter(), maxJobs: 1000);
        JobPage left = await _admin.QueryJobsAsync(new JobFilter());

        deleted.Should().Be(4);
        left.Jobs.Select(j => j.Id).Should().Equal(waiting.Id);
    }

    [Fact]
    public async Task GetThroughputAsync_CountsOlderThan24Hours_AreLeftOut()
    {
        await SucceededAsync();
        _time.Advance(TimeSpan.FromHours(24));
        await FailedAsync(2);

        IReadOnlyList<ThroughputPoint> points = await _admin.GetThroughputAsync();

        points.Should().Equal(new ThroughputPoint { Minute = s_t0.AddHours(24), Queue = "default", Succeeded = 0, Failed = 2 });
    }

    private static NewJob Job(string name = "test-job", int maxAttempts = 1) => new()
    {
        Id = JobId.New(),
        Name = name,
        Queue = "default",
        Arguments = Encoding.UTF8.GetBytes("{}"),
        MaxAttempts = maxAttempts,
        Timeout = TimeSpan.FromMinutes(1),
        RetryDelay = TimeSpan.FromSeconds(1),
        RunAt = s_t0,
    };

    private async Task EnqueueAsync(params NewJob[] jobs)
        => await _storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = _time.GetUtcNow() }, default);

    /// <summary>Enqueues, leases and fails for good <paramref name="count"/> jobs, oldest first.</summary>
    private async Task<JobId[]> FailedAsync(int count, string name = "test-job")
    {
        NewJob[] jobs = [.. Enumerable.Range(0, count).Select(_ => Job(name))];
        await EnqueueAsync(jobs);
        DateTimeOffset now = _time.GetUtcNow();
        IReadOnlyList<StoredJob> leased = await _storage.FetchAsync(
            new FetchRequest { Queue = "default", Limit = count, Now = now, LeaseToken = Guid.NewGuid(), LeaseExpiresAt = now.AddMinutes(1), WorkerId = "w" }, default);
        leased.Should().HaveCount(count);
        await _storage.FailAsync(
            [.. leased.Select(j => new JobFailure
            {
                Id = j.Id,
                LeaseToken = j.LeaseToken!.Value,
                Error = new JobError { Type = "System.Exception", Message = "boom", Attempt = 1, At = now },
                Now = now,
            })],
            default);
        return [.. jobs.Select(j => j.Id)];
    }

    private async Task<JobId> SucceededAsync()
    {
        NewJob job = Job();
        await EnqueueAsync(job);
        DateTimeOffset now = _time.GetUtcNow();
        IReadOnlyList<StoredJob> leased = await _storage.FetchAsync(
            new FetchRequest { Queue = "default", Limit = 1, Now = now, LeaseToken = Guid.NewGuid(), LeaseExpiresAt = now.AddMinutes(1), WorkerId = "w" }, default);
        await _storage.CompleteAsync([new JobCompletion { Id = job.Id, LeaseToken = leased.Single().LeaseToken!.Value, Now = now }], default);
        return job.Id;
    }
}
