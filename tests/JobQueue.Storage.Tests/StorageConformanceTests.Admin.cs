using System.Text;

namespace JobQueue.Storage.Tests;

// Job administration: pages of jobs by filter, retry, delete and the throughput counts.
public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task QueryJobsAsync_Pages_ContinueBelowTheLastJobAndCountEveryMatch()
    {
        NewJob[] jobs = Enumerable.Range(0, 5).Select(_ => Job()).ToArray();
        await EnqueueAsync(jobs);

        StoredJobPage first = await Storage.QueryJobsAsync(new JobQuery { Limit = 2, CountLimit = 100 }, Ct);
        NewJob late = await EnqueueOneAsync(Job(), At(500));
        StoredJobPage second = await Storage.QueryJobsAsync(new JobQuery { Limit = 2, CountLimit = 100, After = first.Next }, Ct);
        StoredJobPage last = await Storage.QueryJobsAsync(new JobQuery { Limit = 2, CountLimit = 100, After = second.Next }, Ct);

        first.Jobs.Select(j => j.Id).Should().Equal(jobs[4].Id, jobs[3].Id);
        first.Next.Should().NotBeNull("more jobs match");
        (first.Total, first.TotalIsExact).Should().Be((5, true));
        second.Jobs.Select(j => j.Id).Should().Equal([jobs[2].Id, jobs[1].Id], "a job enqueued meanwhile ({0}) does not shift a later page", late.Id);
        (second.Total, second.TotalIsExact).Should().Be((6, true));
        last.Jobs.Select(j => j.Id).Should().Equal(jobs[0].Id);
        last.Next.Should().BeNull("no job is left below the last one");
    }

    [Fact]
    public async Task QueryJobsAsync_MoreMatchesThanCountLimit_TotalIsTheLimitAndNotExact()
    {
        await EnqueueAsync(Job(), Job(), Job(), Job(), Job());

        StoredJobPage capped = await Storage.QueryJobsAsync(new JobQuery { Limit = 1, CountLimit = 3 }, Ct);
        StoredJobPage exact = await Storage.QueryJobsAsync(new JobQuery { Limit = 1, CountLimit = 5 }, Ct);
        StoredJobPage none = await Storage.QueryJobsAsync(new JobQuery { Limit = 0, CountLimit = 5, Queue = "nope" }, Ct);

        (capped.Total, capped.TotalIsExact).Should().Be((3, false));
        (exact.Total, exact.TotalIsExact).Should().Be((5, true));
        (none.Total, none.TotalIsExact, none.Jobs.Count, none.Next).Should().Be((0, true, 0, null));
    }

    [Fact]
    public async Task QueryJobsAsync_FinishedStateNameAndQueue_ListOnlyTheirJobsNewestFirst()
    {
        NewJob exportA = Job(name: "export", maxAttempts: 1);
        NewJob mail = Job(name: "mail", maxAttempts: 1);
        NewJob exportB = Job(name: "export", maxAttempts: 1);
        NewJob exportC = Job(name: "export", queue: "reports", maxAttempts: 1);
        await EnqueueAsync(exportA, mail, exportB, exportC);
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3);
        await FailAsync(leased.Single(j => j.Id == exportA.Id), At(2_000));
        await FailAsync(leased.Single(j => j.Id == mail.Id), At(2_000));
        await CompleteAsync(leased.Single(j => j.Id == exportB.Id), At(2_000));

        IReadOnlyList<StoredJob> failed = await ListAsync(new JobQuery { State = JobState.Failed, Limit = 10, CountLimit = 0 });
        IReadOnlyList<StoredJob> succeeded = await ListAsync(new JobQuery { State = JobState.Succeeded, Limit = 10, CountLimit = 0 });
        StoredJobPage byName = await Storage.QueryJobsAsync(new JobQuery { Name = "export", Limit = 10, CountLimit = 10 }, Ct);
        IReadOnlyList<StoredJob> failedExports = await ListAsync(new JobQuery { Name = "export", State = JobState.Failed, Limit = 10, CountLimit = 0 });
        IReadOnlyList<StoredJob> reportExports = await ListAsync(new JobQuery { Name = "export", Queue = "reports", Limit = 10, CountLimit = 0 });

        failed.Select(j => j.Id).Should().Equal(mail.Id, exportA.Id);
        succeeded.Select(j => j.Id).Should().Equal(exportB.Id);
        byName.Jobs.Select(j => j.Id).Should().Equal(exportC.Id, exportB.Id, exportA.Id);
        byName.Total.Should().Be(3);
        failedExports.Select(j => j.Id).Should().Equal(exportA.Id);
        reportExports.Select(j => j.Id).Should().Equal(exportC.Id);
    }

    [Fact]
    public async Task QueryJobsAsync_Text_MatchesArgumentsOrTheLastErrorIgnoringTheCaseOfAsciiLetters()
    {
        NewJob acme = Job() with { Arguments = Encoding.UTF8.GetBytes("{\"customer\":\"ACME-42\"}") };
        NewJob payment = Job();
        NewJob plain = Job();
        await EnqueueAsync(acme, payment, plain);
        StoredJob leased = (await FetchAsync(limit: 3)).Single(j => j.Id == payment.Id);
        await FailAsync(leased, At(2_000), message: "Timeout talking to Payments 100%");

        IReadOnlyList<StoredJob> byArguments = await ListAsync(new JobQuery { Text = "acme-42", Limit = 10, CountLimit = 0 });
        StoredJobPage byError = await Storage.QueryJobsAsync(new JobQuery { Text = "PAYMENTS", Limit = 10, CountLimit = 10 }, Ct);
        IReadOnlyList<StoredJob> byErrorType = await ListAsync(new JobQuery { Text = "invalidoperation", Limit = 10, CountLimit = 0 });
        IReadOnlyList<StoredJob> percentIsPlain = await ListAsync(new JobQuery { Text = "0%", Limit = 10, CountLimit = 0 });
        IReadOnlyList<StoredJob> wildcardMatchesNothing = await ListAsync(new JobQuery { Text = "%", Queue = DefaultQueue, State = JobState.Enqueued, Limit = 10, CountLimit = 0 });

        byArguments.Select(j => j.Id).Should().Equal(acme.Id);
        byError.Jobs.Select(j => j.Id).Should().Equal(payment.Id);
        (byError.Total, byError.TotalIsExact).Should().Be((1, true));
        byErrorType.Select(j => j.Id).Should().Equal(payment.Id);
        percentIsPlain.Select(j => j.Id).Should().Equal(payment.Id);
        wildcardMatchesNothing.Should().BeEmpty("'%' is a plain character, and no enqueued job holds one");
    }

    [Fact]
    public async Task QueryJobsAsync_PositionNotMadeByTheStore_ThrowsNamingIt()
    {
        Func<Task> act = async () => await Storage.QueryJobsAsync(new JobQuery { Limit = 10, CountLimit = 0, After = "page-two" }, Ct);

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*page-two*");
    }

    [Fact]
    public async Task RetryAsync_FailedJobWithNoAttemptLeft_EnqueuedNowWithItsAttemptsErrorsAndOneMoreTry()
    {
        NewJob job = await EnqueueOneAsync(Job(maxAttempts: 1));
        await FailAsync(await FetchOneAsync(), At(2_000));

        RetryOutcome outcome = await RetryAsync(job.Id, At(3_000));
        StoredJob retried = await GetRequiredAsync(job.Id);
        StoredJob again = await FetchOneAsync(now: At(3_000));

        outcome.Should().Be(RetryOutcome.Retried);
        retried.State.Should().Be(JobState.Enqueued);
        retried.RunAt.Should().Be(At(3_000));
        retried.FinishedAt.Should().BeNull();
        retried.Attempt.Should().Be(1);
        retried.MaxAttempts.Should().Be(2);
        retried.Errors.Should().ContainSingle().Which.Message.Should().Be("boom");
        (await ListAsync(new JobQuery { State = JobState.Failed, Limit = 10, CountLimit = 0 })).Should().BeEmpty();
        again.Id.Should().Be(job.Id);
        again.Attempt.Should().Be(2);
    }

    [Fact]
    public async Task RetryAsync_JobCancelledWhileWaiting_IsFetchedOnceAgain()
    {
        NewJob job = await EnqueueOneAsync(Job());
        await CancelAsync(job.Id, At(500));

        RetryOutcome outcome = await RetryAsync(job.Id, At(600));
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 10);

        outcome.Should().Be(RetryOutcome.Retried);
        leased.Select(j => j.Id).Should().Equal([job.Id], "the retried job waits in its queue once");
        (await GetRequiredAsync(job.Id)).MaxAttempts.Should().Be(3, "a job that had attempts left keeps its budget");
    }

    [Fact]
    public async Task RetryAsync_JobsThatCannotBeRetried_RefusedWithTheReasonAndLeftAsTheyWere()
    {
        NewJob waiting = await EnqueueOneAsync(Job(queue: "waiting"));
        NewJob done = await EnqueueOneAsync(Job(queue: "done"));
        await CompleteAsync(await FetchOneAsync("done"), At(2_000));
        NewJob keyed = await EnqueueOneAsync(Job(queue: "keyed", key: "order-7", maxAttempts: 1));
        await FailAsync(await FetchOneAsync("keyed"), At(2_000));
        NewJob holder = await EnqueueOneAsync(Job(queue: "keyed", key: "order-7"), At(2_500));
        (BatchId batchId, NewJob[] children, NewJob success, _) = await EnqueueBatchAsync(1, queue: "batch");
        StoredJob child = await FetchOneAsync("batch");
        await FailAsync(child, At(2_000));

        IReadOnlyList<RetryOutcome> outcomes = await Storage.RetryAsync(
            new RetryRequest { Ids = [JobId.New(), waiting.Id, done.Id, keyed.Id, children[0].Id, success.Id], Now = At(3_000) }, Ct);

        outcomes.Should().Equal(
            RetryOutcome.NotFound,
            RetryOutcome.NotFinished,
            RetryOutcome.Succeeded,
            RetryOutcome.IdempotencyKeyInUse,
            RetryOutcome.BatchFailureCallbackReleased,
            RetryOutcome.CancelledBatchCallback);
        (await GetRequiredAsync(keyed.Id)).State.Should().Be(JobState.Failed);
        (await GetRequiredAsync(children[0].Id)).State.Should().Be(JobState.Failed);
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Cancelled);
        (await GetBatchRequiredAsync(batchId)).Failed.Should().Be(1);
        (await GetRequiredAsync(holder.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task RetryAsync_ChildOfBatchWithoutFailureCallback_CountsAsPendingAgainWhileTheBatchStaysFailed()
    {
        BatchId batchId = BatchId.New();
        NewJob[] children = [Job("batch", batchId: batchId, maxAttempts: 1), Job("batch", batchId: batchId, maxAttempts: 1)];
        NewJob success = Job("callbacks", batchId: batchId, name: "on-success");
        await Storage.EnqueueAsync(new EnqueueRequest { Jobs = children, Batch = new NewBatch { Id = batchId, SuccessCallback = success }, Now = T0 }, Ct);
        IReadOnlyList<StoredJob> leased = await FetchAsync("batch", limit: 2);
        await FailAsync(leased[0], At(2_000));
        await CompleteAsync(leased[1], At(2_000));
        StoredBatch finished = await GetBatchRequiredAsync(batchId);

        RetryOutcome outcome = await RetryAsync(leased[0].Id, At(3_000));
        StoredBatch pending = await GetBatchRequiredAsync(batchId);
        await FailAsync(await FetchOneAsync("batch", now: At(3_000)), At(4_000));
        StoredBatch again = await GetBatchRequiredAsync(batchId);

        outcome.Should().Be(RetryOutcome.Retried);
        (finished.State, finished.Failed, finished.FinishedAt).Should().Be((BatchState.Failed, 1, At(2_000)));
        (pending.State, pending.Failed, pending.Succeeded, pending.FinishedAt).Should().Be((BatchState.Failed, 0, 1, null));
        (again.State, again.Failed, again.FinishedAt).Should().Be((BatchState.Failed, 1, At(4_000)));
        (await GetRequiredAsync(success.Id)).State.Should().Be(JobState.Cancelled, "the batch's outcome was decided at its first failure");
    }

    [Fact]
    public async Task DeleteAsync_FinishedJobs_GoneWithTheirKeyAndUnfinishedOnesRefused()
    {
        NewJob done = await EnqueueOneAsync(Job(key: "invoice-1"));
        await CompleteAsync(await FetchOneAsync(), At(2_000));
        NewJob cancelled = await EnqueueOneAsync(Job());
        await CancelAsync(cancelled.Id, At(2_000));
        NewJob waiting = await EnqueueOneAsync(Job(queue: "waiting"));

        IReadOnlyList<DeleteOutcome> outcomes = await Storage.DeleteAsync(new DeleteRequest { Ids = [done.Id, cancelled.Id, waiting.Id, JobId.New()] }, Ct);
        IReadOnlyList<EnqueueResult> sameKey = await EnqueueAsync(At(3_000), Job(key: "invoice-1"));

        outcomes.Should().Equal(DeleteOutcome.Deleted, DeleteOutcome.Deleted, DeleteOutcome.NotFinished, DeleteOutcome.NotFound);
        (await GetAsync(done.Id)).Should().BeNull();
        (await GetAsync(cancelled.Id)).Should().BeNull();
        (await GetRequiredAsync(waiting.Id)).State.Should().Be(JobState.Enqueued);
        (await ListAsync(new JobQuery { Name = "test-job", Limit = 10, CountLimit = 0 })).Select(j => j.Id).Should().Equal(sameKey[0].Id, waiting.Id);
        sameKey[0].Created.Should().BeTrue("the deleted job no longer holds its key");
        (await StatisticsAsync())!.Succeeded.Should().Be(0);
    }

    [Fact]
    public async Task GetThroughputAsync_EndedAttempts_CountedPerMinuteAndQueue()
    {
        DateTimeOffset minute = T0.AddMinutes(5);
        await EnqueueAsync(Job(), Job(), Job(), Job(queue: "mail", maxAttempts: 1), Job(queue: "mail"));
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3, now: minute, leaseExpiresAt: minute.AddSeconds(10));
        IReadOnlyList<StoredJob> mail = await FetchAsync("mail", limit: 2, now: minute, leaseExpiresAt: minute.AddSeconds(10));
        await Storage.CompleteAsync([.. leased.Take(2).Select(j => new JobCompletion { Id = j.Id, LeaseToken = j.LeaseToken!.Value, Now = minute.AddSeconds(1) })], Ct);
        await FailAsync(leased[2], minute.AddSeconds(59), retryAt: minute.AddMinutes(5));
        await FailAsync(mail[0], minute.AddSeconds(30));
        await RescueAsync(minute.AddMinutes(1).AddSeconds(20));

        IReadOnlyList<ThroughputBucket> all = await Storage.GetThroughputAsync(new ThroughputQuery { Since = T0 }, Ct);
        IReadOnlyList<ThroughputBucket> later = await Storage.GetThroughputAsync(new ThroughputQuery { Since = minute.AddMinutes(1) }, Ct);

        all.Should().Equal(
            new ThroughputBucket { Minute = minute, Queue = DefaultQueue, Succeeded = 2, Failed = 1 },
            new ThroughputBucket { Minute = minute, Queue = "mail", Succeeded = 0, Failed = 1 },
            new ThroughputBucket { Minute = minute.AddMinutes(1), Queue = "mail", Succeeded = 0, Failed = 1 });
        later.Should().Equal(new ThroughputBucket { Minute = minute.AddMinutes(1), Queue = "mail", Succeeded = 0, Failed = 1 });
    }

    [Fact]
    public async Task PruneThroughputAsync_OldMinutes_DeletedUpToTheLimit()
    {
        await EnqueueAsync(Job(), Job(), Job(queue: "mail"));
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 2, now: T0);
        StoredJob mail = await FetchOneAsync("mail", now: T0);
        await CompleteAsync(leased[0], T0.AddSeconds(10));
        await CompleteAsync(mail, T0.AddSeconds(20));
        await CompleteAsync(leased[1], T0.AddMinutes(2));

        int first = await Storage.PruneThroughputAsync(new ThroughputPruneRequest { Before = T0.AddMinutes(2), Limit = 1 }, Ct);
        int second = await Storage.PruneThroughputAsync(new ThroughputPruneRequest { Before = T0.AddMinutes(2), Limit = 10 }, Ct);
        int none = await Storage.PruneThroughputAsync(new ThroughputPruneRequest { Before = T0.AddMinutes(2), Limit = 10 }, Ct);
        IReadOnlyList<ThroughputBucket> kept = await Storage.GetThroughputAsync(new ThroughputQuery { Since = T0 }, Ct);

        (first, second, none).Should().Be((1, 1, 0));
        kept.Should().Equal(new ThroughputBucket { Minute = T0.AddMinutes(2), Queue = DefaultQueue, Succeeded = 1, Failed = 0 });
    }

    protected async Task<IReadOnlyList<StoredJob>> ListAsync(JobQuery query) => (await Storage.QueryJobsAsync(query, Ct)).Jobs;

    protected async Task<RetryOutcome> RetryAsync(JobId id, DateTimeOffset now)
        => (await Storage.RetryAsync(new RetryRequest { Ids = [id], Now = now }, Ct))[0];
}
