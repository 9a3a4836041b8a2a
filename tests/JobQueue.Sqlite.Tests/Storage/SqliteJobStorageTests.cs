using JobQueue.Sqlite.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Tests.Storage;

public sealed class SqliteJobStorageTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task EnqueueAsync_NewStore_CreatesFileInWalMode()
    {
        SqliteJobStorage store = _database.CreateStore();

        await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        using SqliteConnection connection = _database.OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        command.ExecuteScalar().Should().Be("wal");
    }

    [Fact]
    public async Task GetJobsAsync_AfterRoundTrip_KeepsTimesToTheTick()
    {
        SqliteJobStorage store = _database.CreateStore();
        DateTimeOffset runAt = TestJobs.Now.AddTicks(1234567).ToOffset(TimeSpan.FromHours(2));
        NewJob job = TestJobs.New(runAt: runAt);

        await store.EnqueueAsync(TestJobs.Request(job), CancellationToken.None);
        StoredJob? stored = (await store.GetJobsAsync([job.Id], CancellationToken.None))[0];

        stored!.RunAt.Should().Be(runAt);
        stored.RunAt.UtcTicks.Should().Be(runAt.UtcTicks);
        stored.EnqueuedAt.Should().Be(TestJobs.Now);
        stored.State.Should().Be(JobState.Scheduled);
        stored.Arguments.Should().Equal(job.Arguments);
        stored.Timeout.Should().Be(job.Timeout);
    }

    [Fact]
    public async Task FetchAsync_NewStoreOnSameFile_LeasesJobsWrittenBeforeRestart()
    {
        NewJob job = TestJobs.New();
        SqliteJobStorage before = _database.CreateStore();
        await before.EnqueueAsync(TestJobs.Request(job), CancellationToken.None);
        before.Dispose();

        SqliteJobStorage after = _database.CreateStore();
        IReadOnlyList<StoredJob> leased = await after.FetchAsync(TestJobs.Fetch(), CancellationToken.None);

        leased.Should().ContainSingle().Which.Id.Should().Be(job.Id);
    }

    [Fact]
    public async Task FetchAsync_TwoStoresOnOneFileFetchingAtOnce_NeverLeaseAJobTwice()
    {
        SqliteJobStorage first = _database.CreateStore();
        SqliteJobStorage second = _database.CreateStore();
        NewJob[] jobs = Enumerable.Range(0, 200).Select(_ => TestJobs.New()).ToArray();
        await first.EnqueueAsync(TestJobs.Request(jobs), CancellationToken.None);

        // Separate instances have separate write gates, like two processes: only SQLite's lock orders them.
        Task<List<JobId>> drainFirst = DrainAsync(first);
        Task<List<JobId>> drainSecond = DrainAsync(second);
        List<JobId>[] leased = await Deadline.Within(Task.WhenAll(drainFirst, drainSecond), "both stores to drain the queue");

        leased.SelectMany(ids => ids).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(jobs.Select(job => job.Id));
    }

    [Fact]
    public async Task FetchAsync_WithManyFinishedJobs_UsesThePartialReadyIndex()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        using SqliteConnection connection = _database.OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + JobSql.Fetch;
        foreach (string name in new[] { "$now", "$lease_token", "$lease_expires_at", "$worker_id", "$queue", "$limit" })
        {
            command.Parameters.AddWithValue(name, 1);
        }

        var plan = new List<string>();
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        plan.Should().Contain(step => step.Contains("jobqueue_jobs_ready", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetQueueStatisticsAsync_Plan_ScansOnlyCoveringPartialIndexes()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        List<string> plan = ExplainQueryPlan(JobSql.QueueStatistics);

        plan.Where(step => step.StartsWith("SCAN", StringComparison.Ordinal)).Should().BeEquivalentTo(
            "SCAN jobqueue_jobs USING COVERING INDEX jobqueue_jobs_queue_state",
            "SCAN jobqueue_jobs USING COVERING INDEX jobqueue_jobs_ready");
    }

    [Fact]
    public async Task EnqueueAsync_RequestsOfManyJobsWithMixedFields_StoreEachJobsOwnValues()
    {
        // 75 jobs run as statements of 48, 8 and 1 rows, each binding only what changed since its last row: every
        // field varies here, between jobs and between the two requests, so any value left over would show.
        SqliteJobStorage store = _database.CreateStore();
        NewJob[] first = Enumerable.Range(0, 75).Select(i => MixedJob(i, seed: 0)).ToArray();
        NewJob[] second = Enumerable.Range(0, 75).Select(i => MixedJob(i, seed: 1)).ToArray();

        await store.EnqueueAsync(TestJobs.Request(first), CancellationToken.None);
        await store.EnqueueAsync(new EnqueueRequest { Jobs = second, Now = TestJobs.Now.AddSeconds(1) }, CancellationToken.None);

        NewJob[] all = [.. first, .. second];
        IReadOnlyList<StoredJob?> stored = await store.GetJobsAsync(all.Select(job => job.Id).ToList(), CancellationToken.None);
        for (int i = 0; i < all.Length; i++)
        {
            NewJob job = all[i];
            StoredJob actual = stored[i]!;
            actual.Name.Should().Be(job.Name);
            actual.Queue.Should().Be(job.Queue);
            actual.Priority.Should().Be(job.Priority);
            actual.Arguments.Should().Equal(job.Arguments);
            actual.MaxAttempts.Should().Be(job.MaxAttempts);
            actual.Timeout.Should().Be(job.Timeout);
            actual.RetryDelay.Should().Be(job.RetryDelay);
            actual.RunAt.Should().Be(job.RunAt);
            actual.EnqueuedAt.Should().Be(i < first.Length ? TestJobs.Now : TestJobs.Now.AddSeconds(1));
            actual.State.Should().Be(job.RunAt > actual.EnqueuedAt ? JobState.Scheduled : JobState.Enqueued);
            actual.IdempotencyKey.Should().Be(job.IdempotencyKey);
            actual.TraceParent.Should().Be(job.TraceParent);
            actual.LimitKey.Should().Be(job.LimitKey);
        }
    }

    [Fact]
    public async Task EnqueueAsync_RowInLaterStatementViolatesConstraint_WritesNothingOfTheRequest()
    {
        // The 70th job repeats the first one's id: it fails in the third insert statement (rows 65 to 72), after the
        // first statement's 48 rows, the second's 8 and five rows of its own went in (INSERT OR FAIL keeps those): all must go.
        SqliteJobStorage store = _database.CreateStore();
        NewJob[] jobs = Enumerable.Range(0, 75).Select(_ => TestJobs.New()).ToArray();
        jobs[69] = jobs[69] with { Id = jobs[0].Id };

        Func<Task> enqueue = async () => await store.EnqueueAsync(TestJobs.Request(jobs), CancellationToken.None);

        await enqueue.Should().ThrowAsync<SqliteException>();
        (await store.GetQueueStatisticsAsync(CancellationToken.None)).Should().BeEmpty();
        NewJob after = TestJobs.New();
        await store.EnqueueAsync(TestJobs.Request(after), CancellationToken.None);
        (await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None)).Should().ContainSingle().Which.Id.Should().Be(after.Id);
    }

    [Fact]
    public async Task FetchAsync_MixedPriorities_ReturnsFetchOrder()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob low = TestJobs.New(priority: 0);
        NewJob high = TestJobs.New(priority: 5);
        NewJob early = TestJobs.New(priority: 0, runAt: TestJobs.Now.AddSeconds(-10));
        await store.EnqueueAsync(TestJobs.Request(low, high, early), CancellationToken.None);

        IReadOnlyList<StoredJob> leased = await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None);

        leased.Select(job => job.Id).Should().Equal(high.Id, early.Id, low.Id);
        leased.Should().OnlyContain(job => job.State == JobState.Running && job.Attempt == 1);
    }

    [Fact]
    public async Task CompleteAsync_LastChildOfBatch_ReleasesSuccessCallbackAndCancelsFailureCallback()
    {
        SqliteJobStorage store = _database.CreateStore();
        var batchId = BatchId.New();
        NewJob child = TestJobs.New(batchId: batchId);
        NewJob onSuccess = TestJobs.New(queue: "callbacks", batchId: batchId);
        NewJob onFailure = TestJobs.New(queue: "callbacks", batchId: batchId);
        await store.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [child],
            Batch = new NewBatch { Id = batchId, SuccessCallback = onSuccess, FailureCallback = onFailure },
            Now = TestJobs.Now,
        }, CancellationToken.None);
        StoredJob leased = (await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None)).Single();

        IReadOnlyList<bool> completed = await store.CompleteAsync([TestJobs.Completion(leased)], CancellationToken.None);

        completed.Should().Equal(true);
        StoredBatch? batch = await store.GetBatchAsync(batchId, CancellationToken.None);
        batch!.State.Should().Be(BatchState.Succeeded);
        batch.Pending.Should().Be(0);
        batch.FinishedAt.Should().Be(TestJobs.Now);
        IReadOnlyList<StoredJob?> callbacks = await store.GetJobsAsync([onSuccess.Id, onFailure.Id], CancellationToken.None);
        callbacks[0]!.State.Should().Be(JobState.Enqueued);
        callbacks[1]!.State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task FailAsync_WithoutRetryForBatchChild_FailsBatchAndRecordsError()
    {
        SqliteJobStorage store = _database.CreateStore();
        var batchId = BatchId.New();
        NewJob first = TestJobs.New(batchId: batchId);
        NewJob second = TestJobs.New(batchId: batchId);
        NewJob onFailure = TestJobs.New(batchId: batchId);
        await store.EnqueueAsync(new EnqueueRequest
        {
            Jobs = [first, second],
            Batch = new NewBatch { Id = batchId, FailureCallback = onFailure },
            Now = TestJobs.Now,
        }, CancellationToken.None);
        StoredJob leased = (await store.FetchAsync(TestJobs.Fetch(limit: 1), CancellationToken.None)).Single();

        await store.FailAsync([new JobFailure
        {
            Id = leased.Id,
            LeaseToken = leased.LeaseToken!.Value,
            Error = new JobError { Type = "System.InvalidOperationException", Message = "boom \"quoted\"", StackTrace = "at X" },
            Now = TestJobs.Now,
        }], CancellationToken.None);

        StoredJob failed = (await store.GetJobsAsync([leased.Id], CancellationToken.None))[0]!;
        failed.State.Should().Be(JobState.Failed);
        failed.Errors.Should().ContainSingle().Which.Should().BeEquivalentTo(new JobError
        {
            Type = "System.InvalidOperationException",
            Message = "boom \"quoted\"",
            StackTrace = "at X",
            Attempt = 1,
            At = TestJobs.Now,
        });
        StoredBatch batch = (await store.GetBatchAsync(batchId, CancellationToken.None))!;
        batch.State.Should().Be(BatchState.Failed);
        batch.Pending.Should().Be(1);
        batch.FinishedAt.Should().BeNull();
        (await store.GetJobsAsync([onFailure.Id], CancellationToken.None))[0]!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task EnqueueAsync_ChildOfMissingBatch_ThrowsAndWritesNothing()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob loose = TestJobs.New();
        NewJob orphan = TestJobs.New(batchId: BatchId.New());

        Func<Task> enqueue = async () => await store.EnqueueAsync(TestJobs.Request(loose, orphan), CancellationToken.None);

        await enqueue.Should().ThrowAsync<InvalidOperationException>().WithMessage("*does not exist*");
        (await store.GetJobsAsync([loose.Id, orphan.Id], CancellationToken.None)).Should().OnlyContain(job => job == null);
    }

    [Fact]
    public async Task EnqueueAsync_LiveIdempotencyKey_ReturnsHolderAndWritesNothing()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob first = TestJobs.New(idempotencyKey: "order-1");
        await store.EnqueueAsync(TestJobs.Request(first), CancellationToken.None);

        IReadOnlyList<EnqueueResult> results = await store.EnqueueAsync(
            TestJobs.Request(TestJobs.New(idempotencyKey: "order-1"), TestJobs.New(idempotencyKey: "order-2"), TestJobs.New(idempotencyKey: "order-2")),
            CancellationToken.None);

        results[0].Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        results[1].Created.Should().BeTrue();
        results[2].Should().Be(new EnqueueResult { Id = results[1].Id, Created = false });
    }

    [Fact]
    public async Task EnqueueAsync_ManyJobs_WritesAllInOneTransaction()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob[] jobs = Enumerable.Range(0, 5000).Select(_ => TestJobs.New()).ToArray();

        IReadOnlyList<EnqueueResult> results = await store.EnqueueAsync(TestJobs.Request(jobs), CancellationToken.None);

        results.Select(result => result.Id).Should().Equal(jobs.Select(job => job.Id));
        QueueStatistics statistics = (await store.GetQueueStatisticsAsync(CancellationToken.None)).Single();
        statistics.Enqueued.Should().Be(5000);
    }

    [Fact]
    public async Task PruneAsync_MoreFinishedJobsThanLimit_DeletesOnlyTheLimitOldestFirst()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob[] jobs = Enumerable.Range(0, 5).Select(_ => TestJobs.New()).ToArray();
        await store.EnqueueAsync(TestJobs.Request(jobs), CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None);
        for (int i = 0; i < leased.Count; i++)
        {
            await store.CompleteAsync([TestJobs.Completion(leased[i]) with { Now = TestJobs.Now.AddMinutes(i) }], CancellationToken.None);
        }

        int firstPass = await store.PruneAsync(new PruneRequest { FinishedBefore = TestJobs.Now.AddMinutes(4), Limit = 3 }, CancellationToken.None);
        int secondPass = await store.PruneAsync(new PruneRequest { FinishedBefore = TestJobs.Now.AddMinutes(4), Limit = 3 }, CancellationToken.None);

        firstPass.Should().Be(3);
        secondPass.Should().Be(1);
        (await store.GetJobsAsync([leased[4].Id], CancellationToken.None))[0].Should().NotBeNull();
    }

    [Fact]
    public async Task WaitForWorkAsync_SignalRaisedBeforeWait_CompletesAtOnce()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New(queue: "mail")), CancellationToken.None);

        Task wait = store.WaitForWorkAsync("mail", Deadline.Token()).AsTask();

        await Deadline.Within(wait, "the wake-up raised before the wait");
    }

    [Fact]
    public async Task WaitForWorkAsync_EnqueueWhileWaiting_Completes()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New(queue: "other")), CancellationToken.None);
        Task wait = store.WaitForWorkAsync("mail", Deadline.Token()).AsTask();

        await store.EnqueueAsync(TestJobs.Request(TestJobs.New(queue: "mail")), CancellationToken.None);

        await Deadline.Within(wait, "the wake-up of queue mail");
    }

    [Fact]
    public async Task WaitForFinishAsync_JobCompletedWhileWaiting_Completes()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob job = TestJobs.New();
        await store.EnqueueAsync(TestJobs.Request(job), CancellationToken.None);
        StoredJob leased = (await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None)).Single();
        Task wait = store.WaitForFinishAsync(job.Id, Deadline.Token()).AsTask();

        await store.CompleteAsync([TestJobs.Completion(leased)], CancellationToken.None);

        await Deadline.Within(wait, "the finish signal");
    }

    [Fact]
    public async Task WaitForFinishAsync_UnknownJob_CompletesAtOnce()
    {
        SqliteJobStorage store = _database.CreateStore();

        await Deadline.Within(store.WaitForFinishAsync(JobId.New(), Deadline.Token()).AsTask(), "the wait on a missing job");
    }

    [Fact]
    public async Task CompleteAsync_StaleLeaseToken_IsRefused()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);
        StoredJob leased = (await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None)).Single();

        IReadOnlyList<bool> completed = await store.CompleteAsync([TestJobs.Completion(leased) with { LeaseToken = Guid.NewGuid() }], CancellationToken.None);

        completed.Should().Equal(false);
        (await store.GetJobsAsync([leased.Id], CancellationToken.None))[0]!.State.Should().Be(JobState.Running);
    }

    [Fact]
    public async Task EnqueueAsync_JobWithoutOptionalValuesAfterOneWithThem_StoresNone()
    {
        SqliteJobStorage store = _database.CreateStore();
        var batchId = BatchId.New();
        NewJob full = TestJobs.New(idempotencyKey: "order-1", batchId: batchId) with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
        await store.EnqueueAsync(new EnqueueRequest { Jobs = [full], Batch = new NewBatch { Id = batchId }, Now = TestJobs.Now }, CancellationToken.None);
        NewJob plain = TestJobs.New();

        await store.EnqueueAsync(TestJobs.Request(plain), CancellationToken.None);

        // The insert statement is compiled once and reused: a value bound for the first job must not stay bound.
        StoredJob stored = (await store.GetJobsAsync([plain.Id], CancellationToken.None))[0]!;
        stored.IdempotencyKey.Should().BeNull();
        stored.BatchId.Should().BeNull();
        stored.TraceParent.Should().BeNull();
        (await store.GetJobsAsync([full.Id], CancellationToken.None))[0]!.IdempotencyKey.Should().Be("order-1");
    }

    [Fact]
    public async Task EnqueueAsync_NonAsciiTextAndEmptyValues_RoundTripExactly()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob job = TestJobs.New(queue: "düsseldorf-✉", idempotencyKey: "") with
        {
            Name = "envoi-reçu-📦",
            Arguments = [],
            TraceParent = new string('x', 1000),
        };

        await store.EnqueueAsync(TestJobs.Request(job), CancellationToken.None);

        // Inserts bind text as UTF-8 by position: multi-byte characters, an empty string and long text must come back as given.
        StoredJob stored = (await store.GetJobsAsync([job.Id], CancellationToken.None))[0]!;
        stored.Name.Should().Be(job.Name);
        stored.Queue.Should().Be(job.Queue);
        stored.IdempotencyKey.Should().Be(string.Empty);
        stored.Arguments.Should().BeEmpty();
        stored.TraceParent.Should().Be(job.TraceParent);
    }

    [Fact]
    public async Task FailAsync_FailureForGoodAfterARetriedOne_FailsOnlyTheSecondJob()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New(), TestJobs.New()), CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None);

        await store.FailAsync([Failure(leased[0], retryAt: TestJobs.Now.AddMinutes(1), stackTrace: "at X")], CancellationToken.None);
        await store.FailAsync([Failure(leased[1], retryAt: null, stackTrace: null)], CancellationToken.None);

        IReadOnlyList<StoredJob?> jobs = await store.GetJobsAsync([leased[0].Id, leased[1].Id], CancellationToken.None);
        jobs[0]!.State.Should().Be(JobState.Scheduled);
        jobs[1]!.State.Should().Be(JobState.Failed);
        jobs[1]!.RunAt.Should().Be(leased[1].RunAt);
        jobs[1]!.Errors.Should().ContainSingle().Which.StackTrace.Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_AfterAWriteThatFailed_Succeeds()
    {
        SqliteJobStorage store = _database.CreateStore();
        Func<Task> orphan = async () => await store.EnqueueAsync(TestJobs.Request(TestJobs.New(batchId: BatchId.New())), CancellationToken.None);
        await orphan.Should().ThrowAsync<InvalidOperationException>();
        NewJob job = TestJobs.New();

        IReadOnlyList<EnqueueResult> results = await store.EnqueueAsync(TestJobs.Request(job), CancellationToken.None);

        results.Should().Equal(new EnqueueResult { Id = job.Id, Created = true });
        (await store.GetJobsAsync([job.Id], CancellationToken.None))[0]!.State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task EnqueueAsync_AfterAWriteThatFailed_AnotherStoreOnTheFileWritesAtOnce()
    {
        SqliteJobStorage failing = _database.CreateStore();
        SqliteJobStorage other = _database.CreateStore(o => { o.BusyTimeout = TimeSpan.FromMilliseconds(50); o.BusyRetryLimit = 0; });
        await other.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);
        Func<Task> orphan = async () => await failing.EnqueueAsync(TestJobs.Request(TestJobs.New(batchId: BatchId.New())), CancellationToken.None);
        await orphan.Should().ThrowAsync<InvalidOperationException>();
        NewJob job = TestJobs.New();

        // The failed write's transaction must be rolled back, not left holding the file's write lock.
        await other.EnqueueAsync(TestJobs.Request(job), CancellationToken.None);

        (await failing.GetJobsAsync([job.Id], CancellationToken.None))[0].Should().NotBeNull();
    }

    [Fact]
    public async Task Dispose_AfterWritesAndReads_ClosesEveryConnection()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob job = TestJobs.New();
        await store.EnqueueAsync(TestJobs.Request(job), CancellationToken.None);
        await store.GetJobsAsync([job.Id], CancellationToken.None);
        File.Exists(_database.FilePath + "-wal").Should().BeTrue();

        store.Dispose();

        // SQLite removes the -wal file when the last connection to the database closes.
        File.Exists(_database.FilePath + "-wal").Should().BeFalse();
    }

    [Fact]
    public async Task EnqueueAsync_AfterDispose_ThrowsObjectDisposed()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);
        store.Dispose();

        Func<Task> enqueue = async () => await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        await enqueue.Should().ThrowAsync<ObjectDisposedException>();
    }

    private static JobFailure Failure(StoredJob job, DateTimeOffset? retryAt, string? stackTrace) => new()
    {
        Id = job.Id,
        LeaseToken = job.LeaseToken!.Value,
        Error = new JobError { Type = "System.InvalidOperationException", Message = "boom", StackTrace = stackTrace },
        RetryAt = retryAt,
        Now = TestJobs.Now,
    };

    private static async Task<List<JobId>> DrainAsync(SqliteJobStorage store)
    {
        var leased = new List<JobId>();
        while (true)
        {
            IReadOnlyList<StoredJob> batch = await store.FetchAsync(TestJobs.Fetch(limit: 7), CancellationToken.None);
            if (batch.Count == 0)
            {
                return leased;
            }

            leased.AddRange(batch.Select(job => job.Id));
        }
    }

    private static NewJob MixedJob(int i, int seed) => TestJobs.New(
        queue: (i + seed) % 3 == 0 ? "other" : "default",
        runAt: (i + seed) % 4 == 0 ? TestJobs.Now.AddMinutes(i) : TestJobs.Now.AddSeconds(-i),
        priority: (i * (seed + 1)) % 5,
        maxAttempts: 1 + ((i + seed) % 2),
        idempotencyKey: (i + seed) % 6 == 0 ? $"key-{seed}-{i}" : null) with
    {
        Name = (i + seed) % 2 == 0 ? "even" : "odd-" + i,
        Arguments = i % 10 == 9 ? [] : System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{i},\"s\":{seed}}}"),
        Timeout = TimeSpan.FromSeconds(10 + ((i + seed) % 3)),
        RetryDelay = TimeSpan.FromMilliseconds((i % 2) * 500),
        TraceParent = (i + seed) % 7 == 0 ? null : (i + seed) % 7 == 1 ? string.Empty : $"00-{i:x32}-{seed + 1:x16}-01",
        LimitKey = (i + seed) % 5 == 0 ? null : $"customer-{(i + seed) % 4}",
        IdempotencyScope = (IdempotencyScope)((i + seed) % 4),
        IdempotencyUntil = (i + seed) % 4 == 3 ? TestJobs.Now.AddMinutes(i) : null,
    };

    private List<string> ExplainQueryPlan(string sql)
    {
        using SqliteConnection connection = _database.OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var plan = new List<string>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }
}
