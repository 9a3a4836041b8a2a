using JobQueue.Sqlite.Storage;
using JobQueue.Storage;

namespace JobQueue.Sqlite.Tests.Storage;

/// <summary>Idempotency scopes and the debounce on the SQLite store (schema version 7: the key's index is no longer unique).</summary>
public sealed class SqliteUniqueJobsTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task EnqueueAsync_WhileQueuedHolderStarted_CreatesANewJobThatHoldsTheKeyInItsTurn()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob first = Unique(IdempotencyScope.WhileQueued);
        await store.EnqueueAsync(TestJobs.Request(first), CancellationToken.None);

        EnqueueResult whileQueued = (await store.EnqueueAsync(TestJobs.Request(Unique(IdempotencyScope.WhileQueued)), CancellationToken.None)).Single();
        await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None);
        NewJob second = Unique(IdempotencyScope.WhileQueued);
        EnqueueResult whileRunning = (await store.EnqueueAsync(TestJobs.Request(second), CancellationToken.None)).Single();
        EnqueueResult again = (await store.EnqueueAsync(TestJobs.Request(Unique(IdempotencyScope.WhileQueued)), CancellationToken.None)).Single();

        whileQueued.Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        whileRunning.Should().Be(new EnqueueResult { Id = second.Id, Created = true });
        again.Should().Be(new EnqueueResult { Id = second.Id, Created = false }, "the newest job that holds the key is the holder");
    }

    [Fact]
    public async Task EnqueueAsync_WhileQueuedOrRunning_HeldWhileRunningAndFreedBySuccess()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob first = Unique(IdempotencyScope.WhileQueuedOrRunning);
        await store.EnqueueAsync(TestJobs.Request(first), CancellationToken.None);
        StoredJob running = (await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None)).Single();

        EnqueueResult whileRunning = (await store.EnqueueAsync(TestJobs.Request(Unique(IdempotencyScope.WhileQueuedOrRunning)), CancellationToken.None)).Single();
        await store.CompleteAsync([TestJobs.Completion(running)], CancellationToken.None);
        EnqueueResult afterSuccess = (await store.EnqueueAsync(TestJobs.Request(Unique(IdempotencyScope.WhileQueuedOrRunning)), CancellationToken.None)).Single();

        whileRunning.Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        afterSuccess.Created.Should().BeTrue();
    }

    [Fact]
    public async Task EnqueueAsync_ForPeriod_HeldAfterSuccessUntilThePeriodEnds()
    {
        SqliteJobStorage store = _database.CreateStore();
        DateTimeOffset until = TestJobs.Now.AddMinutes(10);
        NewJob first = Unique(IdempotencyScope.ForPeriod) with { IdempotencyUntil = until };
        await store.EnqueueAsync(TestJobs.Request(first), CancellationToken.None);
        StoredJob running = (await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None)).Single();
        await store.CompleteAsync([TestJobs.Completion(running)], CancellationToken.None);

        EnqueueResult withinPeriod = (await store.EnqueueAsync(
            new EnqueueRequest { Jobs = [Unique(IdempotencyScope.ForPeriod) with { IdempotencyUntil = until.AddMinutes(1) }], Now = until.AddTicks(-1) },
            CancellationToken.None)).Single();
        EnqueueResult atTheEnd = (await store.EnqueueAsync(
            new EnqueueRequest { Jobs = [Unique(IdempotencyScope.ForPeriod) with { IdempotencyUntil = until.AddMinutes(10) }], Now = until },
            CancellationToken.None)).Single();

        withinPeriod.Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        atTheEnd.Created.Should().BeTrue();
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceOnConflictWithScheduledHolder_TakesTheNewArgumentsAndRunTime()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob first = Unique(IdempotencyScope.WhileQueued) with { RunAt = TestJobs.Now.AddMinutes(5) };
        await store.EnqueueAsync(TestJobs.Request(first), CancellationToken.None);
        NewJob later = Unique(IdempotencyScope.WhileQueued) with { RunAt = TestJobs.Now.AddMinutes(10), Arguments = "{\"n\":2}"u8.ToArray(), ReplaceOnConflict = true };
        NewJob now = Unique(IdempotencyScope.WhileQueued) with { RunAt = TestJobs.Now, Arguments = "{\"n\":3}"u8.ToArray(), ReplaceOnConflict = true };

        EnqueueResult debounced = (await store.EnqueueAsync(TestJobs.Request(later), CancellationToken.None)).Single();
        StoredJob afterDebounce = (await store.GetJobsAsync([first.Id], CancellationToken.None))[0]!;
        EnqueueResult due = (await store.EnqueueAsync(TestJobs.Request(now), CancellationToken.None)).Single();
        IReadOnlyList<StoredJob> leased = await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None);

        debounced.Should().Be(new EnqueueResult { Id = first.Id, Created = false, Replaced = true });
        afterDebounce.RunAt.Should().Be(TestJobs.Now.AddMinutes(10));
        afterDebounce.State.Should().Be(JobState.Scheduled);
        afterDebounce.Arguments.Should().Equal(later.Arguments);
        due.Should().Be(new EnqueueResult { Id = first.Id, Created = false, Replaced = true });
        leased.Should().ContainSingle().Which.Arguments.Should().Equal(now.Arguments, "the holder became Enqueued, due now");
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceOnConflictWithRunningHolder_LeavesItAsItIs()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob first = Unique(IdempotencyScope.WhileQueuedOrRunning);
        await store.EnqueueAsync(TestJobs.Request(first), CancellationToken.None);
        await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None);

        EnqueueResult result = (await store.EnqueueAsync(TestJobs.Request(Unique(IdempotencyScope.WhileQueuedOrRunning) with
        {
            Arguments = "{\"n\":2}"u8.ToArray(),
            ReplaceOnConflict = true,
        }), CancellationToken.None)).Single();

        result.Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        (await store.GetJobsAsync([first.Id], CancellationToken.None))[0]!.Arguments.Should().Equal(first.Arguments);
    }

    private static NewJob Unique(IdempotencyScope scope) => TestJobs.New(idempotencyKey: "digest:1") with { IdempotencyScope = scope };
}
