using System.Text;
using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task EnqueueAsync_NewJob_StoresEveryField()
    {
        NewJob job = Job(queue: "mail", priority: 7, runAt: At(-500), key: "k-1") with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

        await EnqueueOneAsync(job, At(250));

        StoredJob stored = await GetRequiredAsync(job.Id);
        stored.Id.Should().Be(job.Id);
        stored.Name.Should().Be("test-job");
        stored.Queue.Should().Be("mail");
        stored.State.Should().Be(JobState.Enqueued);
        stored.Priority.Should().Be(7);
        stored.Arguments.Should().Equal(Encoding.UTF8.GetBytes("{\"n\":1}"));
        stored.Attempt.Should().Be(0);
        stored.MaxAttempts.Should().Be(3);
        stored.Timeout.Should().Be(TimeSpan.FromSeconds(30));
        stored.RetryDelay.Should().Be(TimeSpan.FromSeconds(2));
        stored.RunAt.Should().Be(At(-500));
        stored.EnqueuedAt.Should().Be(At(250));
        stored.StartedAt.Should().BeNull();
        stored.FinishedAt.Should().BeNull();
        stored.Result.Should().BeNull();
        stored.Errors.Should().BeEmpty();
        stored.Progress.Should().BeNull();
        stored.IdempotencyKey.Should().Be("k-1");
        stored.BatchId.Should().BeNull();
        stored.TraceParent.Should().Be(job.TraceParent);
        stored.LeaseToken.Should().BeNull();
        stored.LeaseExpiresAt.Should().BeNull();
        stored.WorkerId.Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_RunAtEqualToNow_StoresEnqueued()
    {
        NewJob job = await EnqueueOneAsync(Job(runAt: At(100)), At(100));

        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task EnqueueAsync_RunAtAfterNow_StoresScheduled()
    {
        NewJob job = await EnqueueOneAsync(Job(runAt: At(101)), At(100));

        StoredJob stored = await GetRequiredAsync(job.Id);
        stored.State.Should().Be(JobState.Scheduled);
        stored.RunAt.Should().Be(At(101));
    }

    [Fact]
    public async Task EnqueueAsync_ManyJobs_ReturnsResultsInRequestOrder()
    {
        NewJob[] jobs = [Job(), Job(queue: "other"), Job(runAt: At(5_000))];

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(jobs);

        results.Should().Equal(jobs.Select(j => new EnqueueResult { Id = j.Id, Created = true }));
        (await Storage.GetJobsAsync(jobs.Select(j => j.Id).ToArray(), Ct)).Select(j => j!.State)
            .Should().Equal(JobState.Enqueued, JobState.Enqueued, JobState.Scheduled);
    }

    [Fact]
    public async Task EnqueueAsync_EmptyRequest_ReturnsNoResults()
    {
        IReadOnlyList<EnqueueResult> results = await EnqueueAsync();

        results.Should().BeEmpty();
        (await Storage.GetQueueStatisticsAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task GetJobsAsync_UnknownAndKnownIds_ReturnsNullForUnknownInOrder()
    {
        NewJob job = await EnqueueOneAsync(Job());
        JobId unknown = JobId.New();

        IReadOnlyList<StoredJob?> jobs = await Storage.GetJobsAsync([unknown, job.Id, unknown], Ct);

        jobs.Should().HaveCount(3);
        jobs[0].Should().BeNull();
        jobs[1]!.Id.Should().Be(job.Id);
        jobs[2].Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_KeyHeldByEnqueuedJob_ReturnsHolderAndWritesNothing()
    {
        NewJob first = await EnqueueOneAsync(Job(key: "order-42"));
        NewJob second = Job(key: "order-42", queue: "elsewhere");

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(At(10), second);

        results.Should().Equal(new EnqueueResult { Id = first.Id, Created = false });
        (await GetAsync(second.Id)).Should().BeNull();
        (await StatisticsAsync("elsewhere")).Should().BeNull();
        (await StatisticsAsync())!.Enqueued.Should().Be(1);
    }

    [Theory]
    [InlineData(JobState.Scheduled)]
    [InlineData(JobState.Running)]
    [InlineData(JobState.Succeeded)]
    public async Task EnqueueAsync_KeyHeldByLiveJob_ReturnsHolder(JobState holderState)
    {
        NewJob first = await EnqueueOneAsync(Job(key: "k", runAt: holderState == JobState.Scheduled ? At(60_000) : T0));
        if (holderState != JobState.Scheduled)
        {
            StoredJob leased = await FetchOneAsync();
            if (holderState == JobState.Succeeded)
            {
                (await CompleteAsync(leased, At(2_000))).Should().BeTrue();
            }
        }

        (await GetRequiredAsync(first.Id)).State.Should().Be(holderState);

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(At(3_000), Job(key: "k"));

        results.Should().Equal(new EnqueueResult { Id = first.Id, Created = false });
    }

    [Fact]
    public async Task EnqueueAsync_KeyOfFailedJob_CreatesNewJob()
    {
        await EnqueueOneAsync(Job(key: "k"));
        StoredJob leased = await FetchOneAsync();
        (await FailAsync(leased, At(2_000))).Should().BeTrue();
        NewJob again = Job(key: "k");

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(At(3_000), again);

        results.Should().Equal(new EnqueueResult { Id = again.Id, Created = true });
        (await GetRequiredAsync(again.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task EnqueueAsync_KeyOfCancelledJob_CreatesNewJob()
    {
        NewJob first = await EnqueueOneAsync(Job(key: "k"));
        (await CancelAsync(first.Id, At(1))).Should().Be(CancelOutcome.Cancelled);
        NewJob again = Job(key: "k");

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(At(2), again);

        results.Should().Equal(new EnqueueResult { Id = again.Id, Created = true });
    }

    [Fact]
    public async Task EnqueueAsync_KeyFreedThenTakenAgain_NewHolderIsLive()
    {
        NewJob first = await EnqueueOneAsync(Job(key: "k"));
        await CancelAsync(first.Id, At(1));
        NewJob second = await EnqueueOneAsync(Job(key: "k"), At(2));

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(At(3), Job(key: "k"));

        results.Should().Equal(new EnqueueResult { Id = second.Id, Created = false });
    }

    [Fact]
    public async Task EnqueueAsync_SameKeyTwiceInOneRequest_FirstWins()
    {
        NewJob first = Job(key: "dup");
        NewJob second = Job(key: "dup");
        NewJob other = Job(key: "other");

        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(first, second, other);

        results.Should().Equal(
            new EnqueueResult { Id = first.Id, Created = true },
            new EnqueueResult { Id = first.Id, Created = false },
            new EnqueueResult { Id = other.Id, Created = true });
        (await GetAsync(second.Id)).Should().BeNull();
        (await StatisticsAsync())!.Enqueued.Should().Be(2);
    }

    [Fact]
    public async Task EnqueueAsync_DifferentKeys_CreatesBoth()
    {
        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(Job(key: "a"), Job(key: "b"), Job(), Job());

        results.Should().OnlyContain(r => r.Created);
    }

    [Fact]
    public async Task EnqueueAsync_ChildOfUnknownBatch_ThrowsAndWritesNothing()
    {
        NewJob plain = Job(key: "kept-free");
        NewJob orphan = Job(batchId: BatchId.New());

        Func<Task> act = () => EnqueueAsync(plain, orphan);

        await act.Should().ThrowAsync<InvalidOperationException>();
        (await Storage.GetJobsAsync([plain.Id, orphan.Id], Ct)).Should().OnlyContain(j => j == null);
        (await Storage.GetQueueStatisticsAsync(Ct)).Should().BeEmpty();
        (await EnqueueAsync(Job(key: "kept-free"))).Single().Created.Should().BeTrue("the rejected request took no key");
    }

    [Fact]
    public async Task EnqueueAsync_NewBatchWithChildOfUnknownBatch_ThrowsAndWritesNoBatch()
    {
        BatchId batchId = BatchId.New();
        NewJob child = Job(batchId: batchId);
        NewJob orphan = Job(batchId: BatchId.New());

        Func<Task> act = async () => await Storage.EnqueueAsync(
            new EnqueueRequest
            {
                Jobs = [child, orphan],
                Batch = new NewBatch { Id = batchId, SuccessCallback = Job(batchId: batchId) },
                Now = T0,
            },
            Ct);

        await act.Should().ThrowAsync<InvalidOperationException>();
        (await Storage.GetBatchAsync(batchId, Ct)).Should().BeNull();
        (await GetAsync(child.Id)).Should().BeNull();
        (await Storage.GetQueueStatisticsAsync(Ct)).Should().BeEmpty();
    }
}
