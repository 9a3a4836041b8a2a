using JobQueue.Storage;
using JobQueue.TestSupport;

namespace JobQueue.Postgres.Tests.Storage;

public sealed class PostgresJobStorageTests : IAsyncLifetime
{
    private PostgresTestStore _store = null!;

    private IJobStorage Storage => _store.Storage;

    public async Task InitializeAsync() => _store = await PostgresTestStore.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task EnqueueAsync_OneJob_StoresEveryFieldExactly()
    {
        NewJob job = Requests.Job(priority: 5, key: "k1") with { TraceParent = "00-abc-def-01", Timeout = TimeSpan.FromTicks(123_456_789) };

        IReadOnlyList<EnqueueResult> results = await Storage.EnqueueAsync(Requests.Enqueue(job), CancellationToken.None);
        StoredJob? stored = (await Storage.GetJobsAsync([job.Id], CancellationToken.None))[0];

        results.Should().Equal(new EnqueueResult { Id = job.Id, Created = true });
        stored.Should().NotBeNull();
        stored!.State.Should().Be(JobState.Enqueued);
        stored.Arguments.Should().Equal(job.Arguments);
        stored.Timeout.Should().Be(job.Timeout);
        stored.Priority.Should().Be(5);
        stored.IdempotencyKey.Should().Be("k1");
        stored.TraceParent.Should().Be("00-abc-def-01");
        stored.EnqueuedAt.Should().Be(Requests.Now);
        stored.Attempt.Should().Be(0);
    }

    [Fact]
    public async Task EnqueueAsync_LiveIdempotencyKey_ReturnsHolderAndWritesNothing()
    {
        NewJob first = Requests.Job(key: "same");
        NewJob second = Requests.Job(key: "same");
        await Storage.EnqueueAsync(Requests.Enqueue(first), CancellationToken.None);

        IReadOnlyList<EnqueueResult> results = await Storage.EnqueueAsync(Requests.Enqueue(second), CancellationToken.None);

        results.Should().Equal(new EnqueueResult { Id = first.Id, Created = false });
        (await Storage.GetJobsAsync([second.Id], CancellationToken.None))[0].Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_ManyThroughCopy_KeepsOrderAndFirstKeyWins()
    {
        NewJob holder = Requests.Job(key: "held");
        await Storage.EnqueueAsync(Requests.Enqueue(holder), CancellationToken.None);
        NewJob[] jobs = [.. Enumerable.Range(0, 500).Select(_ => Requests.Job())];
        NewJob dupOfHolder = Requests.Job(key: "held");
        NewJob firstOfPair = Requests.Job(key: "pair");
        NewJob secondOfPair = Requests.Job(key: "pair");

        IReadOnlyList<EnqueueResult> results = await Storage.EnqueueAsync(
            Requests.Enqueue([.. jobs, dupOfHolder, firstOfPair, secondOfPair]), CancellationToken.None);

        results.Take(500).Should().Equal(jobs.Select(j => new EnqueueResult { Id = j.Id, Created = true }));
        results[500].Should().Be(new EnqueueResult { Id = holder.Id, Created = false });
        results[501].Should().Be(new EnqueueResult { Id = firstOfPair.Id, Created = true });
        results[502].Should().Be(new EnqueueResult { Id = firstOfPair.Id, Created = false });
        IReadOnlyList<StoredJob> fetched = await Storage.FetchAsync(Requests.Fetch(limit: 3), CancellationToken.None);
        fetched.Select(j => j.Id).Should().Equal(holder.Id, jobs[0].Id, jobs[1].Id);
    }

    [Fact]
    public async Task EnqueueAsync_ManyPlainJobs_StoresEachInRequestOrderWithItsState()
    {
        // Enough jobs for the direct COPY path; scheduled and due jobs, with and without a trace parent, mixed.
        NewJob[] jobs = [.. Enumerable.Range(0, 600).Select(i => Requests.Job(priority: 0, runAt: i % 3 == 0 ? Requests.Now.AddMinutes(5) : null)
            with { TraceParent = i % 2 == 0 ? "00-trace-" + i : null })];

        IReadOnlyList<EnqueueResult> results = await Storage.EnqueueAsync(Requests.Enqueue(jobs), CancellationToken.None);

        results.Should().Equal(jobs.Select(j => new EnqueueResult { Id = j.Id, Created = true }));
        IReadOnlyList<StoredJob?> stored = await Storage.GetJobsAsync([.. jobs.Select(j => j.Id)], CancellationToken.None);
        stored.Select(j => j!.State).Should().Equal(jobs.Select(j => j.RunAt > Requests.Now ? JobState.Scheduled : JobState.Enqueued));
        stored.Select(j => j!.TraceParent).Should().Equal(jobs.Select(j => j.TraceParent));
        stored.Should().AllSatisfy(j => { j!.EnqueuedAt.Should().Be(Requests.Now); j.Arguments.Should().Equal(jobs[0].Arguments); });
        IReadOnlyList<StoredJob> fetched = await Storage.FetchAsync(Requests.Fetch(limit: 1000), CancellationToken.None);
        fetched.Select(j => j.Id).Should().Equal(jobs.Where(j => j.RunAt <= Requests.Now).Select(j => j.Id));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(600)]
    public async Task EnqueueAsync_ManyPlainJobs_WakeTheirQueueOnce(int count)
    {
        await WakeUps.ConsumeAsync(Storage, "plain"); // the first wait after LISTEN completes at once
        Task woken = Storage.WaitForWorkAsync("plain", CancellationToken.None).AsTask();

        await Storage.EnqueueAsync(Requests.Enqueue([.. Enumerable.Range(0, count).Select(_ => Requests.Job(queue: "plain"))]), CancellationToken.None);

        await Deadline.Within(woken, "the enqueue's wake-up");
    }

    [Fact]
    public async Task EnqueueAsync_DuplicateIdInManyPlainJobs_ThrowsInvalidOperationAndWritesNothing()
    {
        NewJob existing = Requests.Job();
        await Storage.EnqueueAsync(Requests.Enqueue(existing), CancellationToken.None);
        NewJob[] fresh = [.. Enumerable.Range(0, 600).Select(_ => Requests.Job())];

        Func<Task> many = async () => await Storage.EnqueueAsync(Requests.Enqueue([.. fresh, existing]), CancellationToken.None);

        await many.Should().ThrowAsync<InvalidOperationException>().WithMessage("*same id*");
        (await Storage.GetJobsAsync([.. fresh.Select(j => j.Id)], CancellationToken.None)).Should().AllSatisfy(j => j.Should().BeNull());
    }

    [Fact]
    public async Task EnqueueAsync_ChildOfMissingBatch_ThrowsAndWritesNothing()
    {
        NewJob orphan = Requests.Job(batchId: new BatchId(Guid.NewGuid()));
        NewJob other = Requests.Job();

        Func<Task> single = async () => await Storage.EnqueueAsync(Requests.Enqueue(orphan), CancellationToken.None);
        Func<Task> many = async () => await Storage.EnqueueAsync(Requests.Enqueue(other, orphan), CancellationToken.None);

        await single.Should().ThrowAsync<InvalidOperationException>();
        await many.Should().ThrowAsync<InvalidOperationException>();
        (await Storage.GetJobsAsync([orphan.Id, other.Id], CancellationToken.None)).Should().AllSatisfy(j => j.Should().BeNull());
    }

    [Fact]
    public async Task EnqueueAsync_DuplicateIdInBulk_ThrowsInvalidOperationAndWritesNothing()
    {
        NewJob existing = Requests.Job();
        await Storage.EnqueueAsync(Requests.Enqueue(existing), CancellationToken.None);
        NewJob fresh = Requests.Job();

        Func<Task> single = async () => await Storage.EnqueueAsync(Requests.Enqueue(existing with { Queue = "other" }), CancellationToken.None);
        Func<Task> many = async () => await Storage.EnqueueAsync(Requests.Enqueue(fresh, existing), CancellationToken.None);

        await single.Should().ThrowAsync<InvalidOperationException>().WithMessage("*same id*");
        await many.Should().ThrowAsync<InvalidOperationException>().WithMessage("*same id*");
        (await Storage.GetJobsAsync([fresh.Id], CancellationToken.None))[0].Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_BatchWhoseChildrenAreAllHeldByKeys_SucceedsAtOnce()
    {
        NewJob holder = Requests.Job(key: "only-once");
        await Storage.EnqueueAsync(Requests.Enqueue(holder), CancellationToken.None);
        BatchId batchId = new(Guid.NewGuid());
        NewJob onSuccess = Requests.Job(queue: "callbacks");
        NewJob onFailure = Requests.Job(queue: "callbacks");

        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [Requests.Job(key: "only-once", batchId: batchId)],
            Batch = new NewBatch { Id = batchId, SuccessCallback = onSuccess, FailureCallback = onFailure },
            Now = Requests.Now,
        }, CancellationToken.None);

        StoredBatch batch = (await Storage.GetBatchAsync(batchId, CancellationToken.None))!;
        batch.State.Should().Be(BatchState.Succeeded);
        batch.Total.Should().Be(0);
        (await Storage.GetJobsAsync([onSuccess.Id, onFailure.Id], CancellationToken.None)).Select(j => j!.State)
            .Should().Equal(JobState.Enqueued, JobState.Cancelled);
        Func<Task> joinFinished = async () => await Storage.EnqueueAsync(Requests.Enqueue(Requests.Job(batchId: batchId)), CancellationToken.None);
        await joinFinished.Should().ThrowAsync<InvalidOperationException>().WithMessage("*finished*");
    }

    [Fact]
    public async Task FetchAsync_TwoFetchersAtOnce_NeverLeaseTheSameJob()
    {
        await Storage.EnqueueAsync(Requests.Enqueue([.. Enumerable.Range(0, 200).Select(_ => Requests.Job())]), CancellationToken.None);
        await using var other = _store.OtherHost();

        Task<IReadOnlyList<StoredJob>>[] fetches = [.. Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? Storage : other).FetchAsync(Requests.Fetch(limit: 25), CancellationToken.None).AsTask())];
        IReadOnlyList<StoredJob>[] leased = await Task.WhenAll(fetches);

        leased.SelectMany(l => l).Select(j => j.Id).Should().OnlyHaveUniqueItems().And.HaveCount(200);
    }

    [Fact]
    public async Task FetchAsync_MixedPriorities_LeasesHighestFirstThenEnqueueOrder()
    {
        NewJob low = Requests.Job(priority: 0);
        NewJob high = Requests.Job(priority: 10);
        NewJob lowLater = Requests.Job(priority: 0);
        await Storage.EnqueueAsync(Requests.Enqueue(low, high, lowLater), CancellationToken.None);

        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Requests.Fetch(limit: 3), CancellationToken.None);

        leased.Select(j => j.Id).Should().Equal(high.Id, low.Id, lowLater.Id);
        leased.Should().AllSatisfy(j => { j.State.Should().Be(JobState.Running); j.Attempt.Should().Be(1); });
    }

    [Fact]
    public async Task FetchAsync_MillionsOfFinishedRows_UsesThePartialFetchIndex()
    {
        // Many finished rows make a sequential scan expensive; the planner must pick the partial index.
        await _store.ScalarAsync("""
            INSERT INTO {s}.jobs (id, name, queue, state, arguments, max_attempts, timeout_ticks, retry_delay_ticks, run_at, enqueued_at, finished_at)
            SELECT gen_random_uuid(), 'done', 'default', 3, '\x7b7d', 1, 1, 1, now(), now(), now() FROM generate_series(1, 200000);
            ANALYZE {s}.jobs;
            SELECT 1
            """);
        await Storage.EnqueueAsync(Requests.Enqueue(Requests.Job()), CancellationToken.None);

        string plan = await _store.ExplainAsync(_store.Storage.Sql.Fetch, ("queue", "default"), ("limit", 10), ("now", DateTime.UtcNow));

        plan.Should().Contain("jobs_fetch_idx").And.NotContain("Seq Scan");
    }

    [Fact]
    public async Task CompleteAsync_GenericPlanWithFewRunningJobs_FindsEachJobByPrimaryKey()
    {
        // Statistics that say almost nothing runs (as after a quiet night) tempt a generic plan to scan the running
        // jobs' partial index, dead entries and all, on every call.
        await _store.ScalarAsync("""
            INSERT INTO {s}.jobs (id, name, queue, state, arguments, max_attempts, timeout_ticks, retry_delay_ticks, run_at, enqueued_at, finished_at)
            SELECT gen_random_uuid(), 'done', 'default', 3, '\x7b7d', 1, 1, 1, now(), now(), now() FROM generate_series(1, 100000);
            ANALYZE {s}.jobs;
            SELECT 1
            """);

        string plan = await _store.ExplainGenericAsync(_store.Storage.Sql.CompleteMany,
            ("ids", new[] { Guid.NewGuid() }), ("tokens", new[] { Guid.NewGuid() }), ("results", new byte[]?[] { null }),
            ("nows", new[] { DateTime.UtcNow }));

        plan.Should().Contain("jobs_pkey").And.NotContain("jobs_running_idx");
    }

    [Fact]
    public async Task CompleteAsync_StaleLeaseToken_IsRefused()
    {
        NewJob job = Requests.Job();
        await Storage.EnqueueAsync(Requests.Enqueue(job), CancellationToken.None);
        StoredJob leased = (await Storage.FetchAsync(Requests.Fetch(), CancellationToken.None))[0];

        IReadOnlyList<bool> stale = await Storage.CompleteAsync([Requests.Completion(leased) with { LeaseToken = Guid.NewGuid() }], CancellationToken.None);
        IReadOnlyList<bool> current = await Storage.CompleteAsync([Requests.Completion(leased) with { Result = "42"u8.ToArray() }], CancellationToken.None);

        stale.Should().Equal(false);
        current.Should().Equal(true);
        StoredJob done = (await Storage.GetJobsAsync([job.Id], CancellationToken.None))[0]!;
        done.State.Should().Be(JobState.Succeeded);
        done.Result.Should().Equal("42"u8.ToArray());
        done.LeaseToken.Should().BeNull();
    }

    [Fact]
    public async Task CompleteAsync_ManyInOneCall_AnswersEachItemByPosition()
    {
        NewJob[] jobs = [.. Enumerable.Range(0, 4).Select(_ => Requests.Job())];
        await Storage.EnqueueAsync(Requests.Enqueue(jobs), CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Requests.Fetch(limit: 3), CancellationToken.None);
        JobCompletion stale = Requests.Completion(leased[1]) with { LeaseToken = Guid.NewGuid() };
        JobCompletion notLeased = new() { Id = jobs[3].Id, LeaseToken = Guid.NewGuid(), Now = Requests.Now };

        IReadOnlyList<bool> applied = await Storage.CompleteAsync(
            [Requests.Completion(leased[0]) with { Result = "1"u8.ToArray() }, stale, notLeased, Requests.Completion(leased[2]), Requests.Completion(leased[1])],
            CancellationToken.None);

        applied.Should().Equal(true, false, false, true, true);
        IReadOnlyList<StoredJob?> stored = await Storage.GetJobsAsync([.. jobs.Select(j => j.Id)], CancellationToken.None);
        stored.Select(j => j!.State).Should().Equal(JobState.Succeeded, JobState.Succeeded, JobState.Succeeded, JobState.Enqueued);
        stored[0]!.Result.Should().Equal("1"u8.ToArray());
        stored[1]!.Result.Should().BeNull();
    }

    [Fact]
    public async Task CompleteAsync_EveryChildOfTwoBatchesInOneCall_DecidesEachBatchOnce()
    {
        BatchId first = new(Guid.NewGuid());
        BatchId second = new(Guid.NewGuid());
        NewJob firstDone = Requests.Job(queue: "callbacks");
        NewJob firstFailed = Requests.Job(queue: "callbacks");
        NewJob secondDone = Requests.Job(queue: "callbacks");
        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [.. Enumerable.Range(0, 3).Select(_ => Requests.Job(batchId: first))],
            Batch = new NewBatch { Id = first, SuccessCallback = firstDone, FailureCallback = firstFailed },
            Now = Requests.Now,
        }, CancellationToken.None);
        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [.. Enumerable.Range(0, 3).Select(_ => Requests.Job(batchId: second))],
            Batch = new NewBatch { Id = second, SuccessCallback = secondDone },
            Now = Requests.Now,
        }, CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Requests.Fetch(limit: 10), CancellationToken.None);

        // All of the first batch, and two of the three children of the second.
        IReadOnlyList<bool> applied = await Storage.CompleteAsync(
            [.. leased.Where(j => j.BatchId == first || j.Id != leased.Last(l => l.BatchId == second).Id).Select(Requests.Completion)],
            CancellationToken.None);

        applied.Should().HaveCount(5).And.AllSatisfy(a => a.Should().BeTrue());
        StoredBatch firstBatch = (await Storage.GetBatchAsync(first, CancellationToken.None))!;
        firstBatch.State.Should().Be(BatchState.Succeeded);
        firstBatch.Succeeded.Should().Be(3);
        firstBatch.FinishedAt.Should().Be(Requests.Now.AddSeconds(1));
        StoredBatch secondBatch = (await Storage.GetBatchAsync(second, CancellationToken.None))!;
        secondBatch.State.Should().Be(BatchState.Running);
        secondBatch.Succeeded.Should().Be(2);
        secondBatch.FinishedAt.Should().BeNull();
        (await Storage.GetJobsAsync([firstDone.Id, firstFailed.Id, secondDone.Id], CancellationToken.None)).Select(j => j!.State)
            .Should().Equal(JobState.Enqueued, JobState.Cancelled, JobState.Awaiting);
    }

    [Fact]
    public async Task CompleteAsync_ManyInOneCall_SignalsEachWaitingFinish()
    {
        NewJob[] jobs = [.. Enumerable.Range(0, 250).Select(_ => Requests.Job())];
        await Storage.EnqueueAsync(Requests.Enqueue(jobs), CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Requests.Fetch(limit: 250), CancellationToken.None);
        await using var other = _store.OtherHost();

        // More ids than one notification carries, waited for from another host; the first and last of the call.
        Task[] waits = [.. new[] { jobs[0], jobs[^1] }.Select(j => other.WaitForFinishAsync(j.Id, Deadline.Token()).AsTask())];
        await Storage.CompleteAsync([.. leased.Select(Requests.Completion)], CancellationToken.None);

        await Deadline.Within(Task.WhenAll(waits), "the finish signals of one completion call");
    }

    [Fact]
    public async Task FailAsync_RetryThenForGood_AccumulatesErrorsAndFailsBatch()
    {
        BatchId batchId = new(Guid.NewGuid());
        NewJob child = Requests.Job(batchId: batchId, maxAttempts: 2);
        NewJob onSuccess = Requests.Job(queue: "callbacks");
        NewJob onFailure = Requests.Job(queue: "callbacks");
        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [child],
            Batch = new NewBatch { Id = batchId, SuccessCallback = onSuccess, FailureCallback = onFailure },
            Now = Requests.Now,
        }, CancellationToken.None);

        StoredJob first = (await Storage.FetchAsync(Requests.Fetch(), CancellationToken.None))[0];
        await Storage.FailAsync([Failure(first, retryAt: Requests.Now)], CancellationToken.None);
        StoredJob second = (await Storage.FetchAsync(Requests.Fetch(), CancellationToken.None))[0];
        await Storage.FailAsync([Failure(second, retryAt: null)], CancellationToken.None);

        StoredJob failed = (await Storage.GetJobsAsync([child.Id], CancellationToken.None))[0]!;
        failed.State.Should().Be(JobState.Failed);
        failed.Errors.Select(e => e.Attempt).Should().Equal(1, 2);
        StoredBatch batch = (await Storage.GetBatchAsync(batchId, CancellationToken.None))!;
        batch.State.Should().Be(BatchState.Failed);
        batch.Failed.Should().Be(1);
        batch.Pending.Should().Be(0);
        IReadOnlyList<StoredJob?> callbacks = await Storage.GetJobsAsync([onSuccess.Id, onFailure.Id], CancellationToken.None);
        callbacks[0]!.State.Should().Be(JobState.Cancelled);
        callbacks[1]!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task CompleteAsync_TwoThousandChildrenFromManyConnections_ReleasesSuccessCallbackOnce()
    {
        BatchId batchId = new(Guid.NewGuid());
        NewJob[] children = [.. Enumerable.Range(0, 2000).Select(_ => Requests.Job(batchId: batchId))];
        NewJob onSuccess = Requests.Job(queue: "callbacks");
        await Storage.EnqueueAsync(new EnqueueRequest
        {
            Jobs = children,
            Batch = new NewBatch { Id = batchId, SuccessCallback = onSuccess },
            Now = Requests.Now,
        }, CancellationToken.None);
        var hosts = new[] { Storage, _store.OtherHost(), _store.OtherHost() };

        // Each worker task leases a few children and completes them one call at a time on its own connection.
        await Task.WhenAll(Enumerable.Range(0, 24).Select(w => Task.Run(async () =>
        {
            IJobStorage host = hosts[w % hosts.Length];
            while (true)
            {
                IReadOnlyList<StoredJob> leased = await host.FetchAsync(Requests.Fetch(limit: 5), CancellationToken.None);
                if (leased.Count == 0)
                {
                    return;
                }

                foreach (StoredJob job in leased)
                {
                    (await host.CompleteAsync([Requests.Completion(job)], CancellationToken.None)).Should().Equal(true);
                }
            }
        })));

        StoredBatch batch = (await Storage.GetBatchAsync(batchId, CancellationToken.None))!;
        batch.State.Should().Be(BatchState.Succeeded);
        batch.Succeeded.Should().Be(2000);
        batch.FinishedAt.Should().NotBeNull();
        StoredJob callback = (await Storage.GetJobsAsync([onSuccess.Id], CancellationToken.None))[0]!;
        callback.State.Should().Be(JobState.Enqueued);
        (await Storage.FetchAsync(Requests.Fetch("callbacks", limit: 10, now: Requests.Now.AddSeconds(1)), CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public async Task CancelAsync_EachState_ReturnsItsOutcome()
    {
        NewJob waiting = Requests.Job();
        NewJob running = Requests.Job(queue: "run");
        await Storage.EnqueueAsync(Requests.Enqueue(waiting, running), CancellationToken.None);
        StoredJob leased = (await Storage.FetchAsync(Requests.Fetch("run"), CancellationToken.None))[0];

        IReadOnlyList<CancelOutcome> outcomes = await Storage.CancelAsync(new CancelRequest { Ids = [waiting.Id, running.Id, waiting.Id, JobId.New()], Now = Requests.Now }, CancellationToken.None);

        outcomes.Should().Equal(CancelOutcome.Cancelled, CancelOutcome.CancelledWhileRunning, CancelOutcome.AlreadyFinished, CancelOutcome.NotFound);
        (await Storage.CompleteAsync([Requests.Completion(leased)], CancellationToken.None)).Should().Equal(false);
    }

    [Fact]
    public async Task RescueExpiredLeasesAsync_TwoHostsAtOnce_RescueEachJobOnce()
    {
        await Storage.EnqueueAsync(Requests.Enqueue([.. Enumerable.Range(0, 50).Select(_ => Requests.Job())]), CancellationToken.None);
        await Storage.FetchAsync(Requests.Fetch(limit: 50), CancellationToken.None);
        await using var other = _store.OtherHost();
        var request = new RescueRequest { Now = Requests.Now.AddMinutes(5), Limit = 100, ErrorType = "LeaseExpired", ErrorMessage = "lost" };

        IReadOnlyList<JobId>[] rescued = await Task.WhenAll(
            Storage.RescueExpiredLeasesAsync(request, CancellationToken.None).AsTask(),
            other.RescueExpiredLeasesAsync(request, CancellationToken.None).AsTask());

        rescued.SelectMany(r => r).Should().OnlyHaveUniqueItems().And.HaveCount(50);
        IReadOnlyList<StoredJob> again = await Storage.FetchAsync(Requests.Fetch(limit: 100, now: request.Now), CancellationToken.None);
        again.Should().HaveCount(50).And.AllSatisfy(j => { j.Attempt.Should().Be(2); j.Errors.Should().ContainSingle(e => e.Type == "LeaseExpired"); });
    }

    [Fact]
    public async Task PruneAsync_OldFinishedJobs_DeletesInBoundedBatches()
    {
        await Storage.EnqueueAsync(Requests.Enqueue([.. Enumerable.Range(0, 30).Select(_ => Requests.Job())]), CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Requests.Fetch(limit: 25), CancellationToken.None);
        await Storage.CompleteAsync([.. leased.Select(Requests.Completion)], CancellationToken.None);
        var request = new PruneRequest { FinishedBefore = Requests.Now.AddHours(1), Limit = 10 };

        int[] deleted = [
            await Storage.PruneAsync(request, CancellationToken.None),
            await Storage.PruneAsync(request, CancellationToken.None),
            await Storage.PruneAsync(request, CancellationToken.None),
            await Storage.PruneAsync(request, CancellationToken.None),
        ];

        deleted.Should().Equal(10, 10, 5, 0);
        (await Storage.GetQueueStatisticsAsync(CancellationToken.None)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Queue = "default", Enqueued = 5L, Succeeded = 0L });
    }

    [Fact]
    public async Task PromoteDueJobsAsync_DueScheduledJob_WakesItsQueue()
    {
        NewJob later = Requests.Job(queue: "later", runAt: Requests.Now.AddMinutes(10));
        await Storage.EnqueueAsync(Requests.Enqueue(later), CancellationToken.None);
        await WakeUps.ConsumeAsync(Storage, "later"); // the first wait after LISTEN completes at once
        Task woken = Storage.WaitForWorkAsync("later", CancellationToken.None).AsTask();

        int promoted = await Storage.PromoteDueJobsAsync(new PromoteRequest { Now = Requests.Now.AddMinutes(11), Limit = 100 }, CancellationToken.None);

        promoted.Should().Be(1);
        await Deadline.Within(woken, "the promotion's wake-up");
    }

    private static JobFailure Failure(StoredJob job, DateTimeOffset? retryAt) => new()
    {
        Id = job.Id,
        LeaseToken = job.LeaseToken!.Value,
        Error = new JobError { Type = "Boom", Message = "failed", Attempt = job.Attempt, At = Requests.Now },
        RetryAt = retryAt,
        Now = Requests.Now,
    };
}
