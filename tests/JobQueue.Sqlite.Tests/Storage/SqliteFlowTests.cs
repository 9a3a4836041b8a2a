using JobQueue.Sqlite.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Tests.Storage;

/// <summary>Flow control on the SQLite store: limits at fetch, holds and the flow state (schema version 7).</summary>
public sealed class SqliteFlowTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task FetchAsync_ConcurrencyPerKey_SkipsAFullKeyLeasesLaterJobsAndCountsItsOwnLeases()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob a1 = Keyed("a"), a2 = Keyed("a"), b1 = Keyed("b"), plain = TestJobs.New();
        await store.EnqueueAsync(TestJobs.Request(a1, a2, b1, plain), CancellationToken.None);
        var limits = new FetchLimits { ConcurrencyPerKey = 1 };

        IReadOnlyList<StoredJob> first = await store.FetchAsync(TestJobs.Fetch() with { Limits = limits }, CancellationToken.None);
        IReadOnlyList<StoredJob> second = await store.FetchAsync(TestJobs.Fetch() with { Limits = limits }, CancellationToken.None);
        await store.CompleteAsync([TestJobs.Completion(first[0])], CancellationToken.None);
        IReadOnlyList<StoredJob> third = await store.FetchAsync(TestJobs.Fetch() with { Limits = limits }, CancellationToken.None);

        first.Select(job => job.Id).Should().Equal(a1.Id, b1.Id, plain.Id);
        first[0].LimitKey.Should().Be("a");
        second.Should().BeEmpty();
        third.Select(job => job.Id).Should().Equal(a2.Id);
        (await store.GetJobsAsync([a2.Id], CancellationToken.None))[0]!.Attempt.Should().Be(1, "a skipped job is not written to");
    }

    [Fact]
    public async Task FetchAsync_NameConcurrencyOverridesTheQueuesAndKeySkipsDoNotCountTowardMaxSkipped()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob[] keyed = [.. Enumerable.Range(0, 4).Select(_ => Keyed("k") with { Name = "report" })];
        NewJob behind = TestJobs.New();
        await store.EnqueueAsync(TestJobs.Request([.. keyed, behind]), CancellationToken.None);
        var limits = new FetchLimits
        {
            ConcurrencyPerKey = 1,
            Names = [new NameLimits { Name = "report", ConcurrencyPerKey = 2 }],
            MaxSkipped = 1,
        };

        IReadOnlyList<StoredJob> leased = await store.FetchAsync(TestJobs.Fetch() with { Limits = limits }, CancellationToken.None);

        leased.Select(job => job.Id).Should().Equal([keyed[0].Id, keyed[1].Id, behind.Id],
            "the two jobs over the name's per-key limit of 2 are passed over without counting as skips");
    }

    [Fact]
    public async Task FetchAsync_RateAndHoldSkips_CountTowardMaxSkipped()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob rated1 = Keyed("rated"), rated2 = Keyed("rated"), held = Keyed("held"), behind = TestJobs.New();
        await store.EnqueueAsync(TestJobs.Request(rated1, rated2, held, behind), CancellationToken.None);
        await store.HoldAsync(new HoldRequest
        {
            Holds = [new FlowHold { Scope = FlowScope.Key("held"), Until = TestJobs.Now.AddHours(1) }],
            Now = TestJobs.Now,
        }, CancellationToken.None);
        var limits = new FetchLimits { RatePerKey = new RateLimit(1, TimeSpan.FromHours(1)), MaxSkipped = 2 };

        IReadOnlyList<StoredJob> stopped = await store.FetchAsync(TestJobs.Fetch() with { Limits = limits }, CancellationToken.None);
        IReadOnlyList<StoredJob> further = await store.FetchAsync(
            TestJobs.Fetch(now: TestJobs.Now.AddSeconds(1)) with { Limits = limits with { MaxSkipped = 3 } }, CancellationToken.None);

        stopped.Select(job => job.Id).Should().Equal([rated1.Id], "the second rated job (out of rate room) and the held one are two skips");
        further.Select(job => job.Id).Should().Equal(behind.Id);
    }

    [Fact]
    public async Task FetchAsync_BusyKeyBacklogLongerThanAPage_IsReadPastAcrossPagesAndPriorities()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob running = Keyed("busy") with { Priority = 9 };
        await store.EnqueueAsync(TestJobs.Request(running), CancellationToken.None);
        (await store.FetchAsync(TestJobs.Fetch(limit: 1), CancellationToken.None)).Should().ContainSingle();

        // Each level's backlog is longer than a page, and the busy jobs' run times are spread over the level so that the
        // keyset continues on run time and on seq (jobs due at the same instant) across page boundaries.
        int backlog = SqliteJobWriter.CandidatePageSize + 10;
        NewJob Busy(int priority, int i) => Keyed("busy") with { Priority = priority, RunAt = TestJobs.Now.AddSeconds(-(i % 3)) };
        NewJob high = Keyed("high") with { Priority = 5, RunAt = TestJobs.Now };
        NewJob low = Keyed("low") with { Priority = 1, RunAt = TestJobs.Now };
        NewJob lowest = TestJobs.New(priority: 0);
        await store.EnqueueAsync(TestJobs.Request([.. Enumerable.Range(0, backlog).Select(i => Busy(5, i)), high]), CancellationToken.None);
        await store.EnqueueAsync(TestJobs.Request([.. Enumerable.Range(0, backlog).Select(i => Busy(1, i)), low]), CancellationToken.None);
        await store.EnqueueAsync(TestJobs.Request([.. Enumerable.Range(0, backlog).Select(i => Busy(0, i)), lowest]), CancellationToken.None);
        var limits = new FetchLimits { ConcurrencyPerKey = 1, MaxSkipped = 0 };

        IReadOnlyList<StoredJob> leased = await store.FetchAsync(TestJobs.Fetch(limit: 3) with { Limits = limits }, CancellationToken.None);
        IReadOnlyList<StoredJob> none = await store.FetchAsync(TestJobs.Fetch(limit: 3) with { Limits = limits }, CancellationToken.None);

        leased.Select(job => job.Id).Should().Equal([high.Id, low.Id, lowest.Id],
            "each stands behind more jobs of the busy key than a page holds, and those are passed over without counting");
        none.Should().BeEmpty("only the busy key's jobs are left, and its one running job fills its limit");
    }

    [Fact]
    public async Task FetchAsync_QueueConcurrencyAndRate_StopAtTheQueuesRoom()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request([.. Enumerable.Range(0, 6).Select(_ => TestJobs.New())]), CancellationToken.None);

        IReadOnlyList<StoredJob> byConcurrency = await store.FetchAsync(
            TestJobs.Fetch() with { Limits = new FetchLimits { QueueConcurrency = 2 } }, CancellationToken.None);
        IReadOnlyList<StoredJob> full = await store.FetchAsync(
            TestJobs.Fetch() with { Limits = new FetchLimits { QueueConcurrency = 2 } }, CancellationToken.None);
        IReadOnlyList<StoredJob> byRate = await store.FetchAsync(
            TestJobs.Fetch() with { Limits = new FetchLimits { QueueRate = RateLimit.PerMinute(3) } }, CancellationToken.None);

        byConcurrency.Should().HaveCount(2);
        full.Should().BeEmpty();
        byRate.Should().HaveCount(3);
    }

    [Fact]
    public async Task FetchAsync_RatePerKey_CountsStartsInTheSlidingWindowAndFlowStateSaysWhenRoomReturns()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob[] jobs = [.. Enumerable.Range(0, 4).Select(_ => Keyed("k"))];
        await store.EnqueueAsync(TestJobs.Request(jobs), CancellationToken.None);
        var limits = new FetchLimits { RatePerKey = RateLimit.PerMinute(2) };
        DateTimeOffset now = TestJobs.Now;

        IReadOnlyList<StoredJob> atStart = await store.FetchAsync(TestJobs.Fetch(now: now) with { Limits = limits }, CancellationToken.None);
        IReadOnlyList<StoredJob> withinMinute = await store.FetchAsync(TestJobs.Fetch(now: now.AddSeconds(59)) with { Limits = limits }, CancellationToken.None);
        FlowState state = await store.GetFlowStateAsync(new FlowStateRequest
        {
            Queue = "default",
            Name = "test-job",
            LimitKey = "k",
            Rates = [new RateScopeQuery { Scope = FlowScope.Key("k"), Limit = RateLimit.PerMinute(2) }, new RateScopeQuery { Scope = FlowScope.Key("k"), Limit = RateLimit.PerMinute(3) }],
            Now = now.AddSeconds(59),
        }, CancellationToken.None);
        IReadOnlyList<StoredJob> afterMinute = await store.FetchAsync(TestJobs.Fetch(now: now.AddMinutes(1)) with { Limits = limits }, CancellationToken.None);

        atStart.Should().HaveCount(2);
        withinMinute.Should().BeEmpty();
        state.RateRoomAt.Should().Equal(now.AddMinutes(1), null);
        state.RunningWithKey.Should().Be(2);
        state.RunningInQueue.Should().Be(2);
        state.QueuePaused.Should().BeFalse();
        afterMinute.Should().HaveCount(2, "the starts at the window's open end have left it");
    }

    [Fact]
    public async Task FetchAsync_RateWithAFetchWhoseNowLagsAnotherHostsStart_CountsTheLaterStart()
    {
        // Another process's fetch took the write lock first with a later now: its start is after this fetch's now, and
        // still inside one period of it, so it must count here.
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New(), TestJobs.New()), CancellationToken.None);
        var limits = new FetchLimits { QueueRate = RateLimit.PerSecond(1) };

        IReadOnlyList<StoredJob> later = await store.FetchAsync(TestJobs.Fetch(now: TestJobs.Now.AddMilliseconds(500)) with { Limits = limits }, CancellationToken.None);
        IReadOnlyList<StoredJob> lagging = await store.FetchAsync(TestJobs.Fetch(now: TestJobs.Now) with { Limits = limits }, CancellationToken.None);
        FlowState state = await store.GetFlowStateAsync(new FlowStateRequest
        {
            Queue = "default",
            Name = "test-job",
            Rates = [new RateScopeQuery { Scope = FlowScope.Queue("default"), Limit = limits.QueueRate }],
            Now = TestJobs.Now,
        }, CancellationToken.None);

        later.Should().ContainSingle();
        lagging.Should().BeEmpty();
        state.RateRoomAt.Should().Equal(TestJobs.Now.AddMilliseconds(1_500));
    }

    [Fact]
    public async Task FetchAsync_RateWithALaggingFetchAfterAnotherPruned_StillCountsTheStartsOfItsWindow()
    {
        // A fetch at 1.2 s prunes old starts on its way; a fetch in another process whose now (0.9 s) lags behind it still
        // counts the two starts at 0 s within its window, so it leases nothing.
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request([.. Enumerable.Range(0, 5).Select(_ => TestJobs.New())]), CancellationToken.None);
        var limits = new FetchLimits { QueueRate = RateLimit.PerSecond(2) };

        IReadOnlyList<StoredJob> first = await store.FetchAsync(TestJobs.Fetch(now: TestJobs.Now) with { Limits = limits }, CancellationToken.None);
        IReadOnlyList<StoredJob> ahead = await store.FetchAsync(TestJobs.Fetch(limit: 1, now: TestJobs.Now.AddMilliseconds(1_200)) with { Limits = limits }, CancellationToken.None);
        IReadOnlyList<StoredJob> lagging = await store.FetchAsync(TestJobs.Fetch(now: TestJobs.Now.AddMilliseconds(900)) with { Limits = limits }, CancellationToken.None);

        first.Should().HaveCount(2);
        ahead.Should().ContainSingle();
        lagging.Should().BeEmpty();
    }

    [Fact]
    public async Task FetchAsync_PlainFetchWithHolds_SkipsHeldNamesAndKeysUntilTheHoldEnds()
    {
        SqliteJobStorage store = _database.CreateStore();
        NewJob byName = TestJobs.New() with { Name = "held-name" };
        NewJob byKey = Keyed("held-key");
        NewJob free = Keyed("other");
        await store.EnqueueAsync(TestJobs.Request(byName, byKey, free), CancellationToken.None);
        DateTimeOffset until = TestJobs.Now.AddMinutes(1);
        await store.HoldAsync(new HoldRequest
        {
            Holds = [new FlowHold { Scope = FlowScope.Name("held-name"), Until = until }, new FlowHold { Scope = FlowScope.Key("held-key"), Until = until }],
            Now = TestJobs.Now,
        }, CancellationToken.None);

        IReadOnlyList<StoredJob> whileHeld = await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None);
        IReadOnlyList<StoredJob> withLimitsWhileHeld = await store.FetchAsync(TestJobs.Fetch() with { Limits = new FetchLimits() }, CancellationToken.None);
        IReadOnlyList<StoredJob> atTheEnd = await store.FetchAsync(TestJobs.Fetch(now: until), CancellationToken.None);

        whileHeld.Select(job => job.Id).Should().Equal(free.Id);
        withLimitsWhileHeld.Should().BeEmpty();
        atTheEnd.Select(job => job.Id).Should().Equal(byName.Id, byKey.Id);
    }

    [Fact]
    public async Task HoldAsync_ScopeHeldTwice_KeepsTheLaterEndAndFlowStateReadsIt()
    {
        SqliteJobStorage store = _database.CreateStore();
        DateTimeOffset later = TestJobs.Now.AddMinutes(5);
        await store.HoldAsync(new HoldRequest
        {
            Holds = [new FlowHold { Scope = FlowScope.Key("k"), Until = later }, new FlowHold { Scope = FlowScope.Key("k"), Until = TestJobs.Now.AddMinutes(1) }],
            Now = TestJobs.Now,
        }, CancellationToken.None);
        await store.HoldAsync(new HoldRequest { Holds = [new FlowHold { Scope = FlowScope.Name("n"), Until = TestJobs.Now.AddMinutes(2) }], Now = TestJobs.Now }, CancellationToken.None);

        FlowState keyAndName = await store.GetFlowStateAsync(new FlowStateRequest { Queue = "default", Name = "n", LimitKey = "k", Now = TestJobs.Now }, CancellationToken.None);
        FlowState nameOnly = await store.GetFlowStateAsync(new FlowStateRequest { Queue = "default", Name = "n", Now = TestJobs.Now }, CancellationToken.None);
        FlowState afterwards = await store.GetFlowStateAsync(new FlowStateRequest { Queue = "default", Name = "n", LimitKey = "k", Now = later }, CancellationToken.None);

        keyAndName.HeldUntil.Should().Be(later);
        nameOnly.HeldUntil.Should().Be(TestJobs.Now.AddMinutes(2));
        afterwards.HeldUntil.Should().BeNull();
    }

    [Fact]
    public async Task FetchAsync_TwoStoresOnOneFileWithConcurrencyPerKey_NeverRunMoreThanTheLimitTogether()
    {
        // Separate instances have separate write gates, like two processes: only SQLite's write lock orders their fetches.
        SqliteJobStorage first = _database.CreateStore();
        SqliteJobStorage second = _database.CreateStore();
        await first.EnqueueAsync(TestJobs.Request([.. Enumerable.Range(0, 60).Select(i => Keyed($"k{i % 3}"))]), CancellationToken.None);
        var limits = new FetchLimits { ConcurrencyPerKey = 2, QueueConcurrency = 5 };

        async Task<int> FetchManyAsync(SqliteJobStorage store)
        {
            int leased = 0;
            for (int i = 0; i < 20; i++)
            {
                leased += (await store.FetchAsync(TestJobs.Fetch(limit: 2) with { Limits = limits }, CancellationToken.None)).Count;
            }

            return leased;
        }

        int[] leased = await Deadline.Within(Task.WhenAll(FetchManyAsync(first), FetchManyAsync(second)), "both stores to fetch");

        leased.Sum().Should().Be(5, "the queue allows 5 running jobs, and the 3 keys 2 each");
        (await first.GetQueueStatisticsAsync(CancellationToken.None)).Single().Running.Should().Be(5);
    }

    [Fact]
    public async Task GetFlowStateAsync_PausedQueue_SaysSo()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.PauseQueueAsync(new PauseQueueRequest { Queue = "default", Now = TestJobs.Now }, CancellationToken.None);

        FlowState state = await store.GetFlowStateAsync(new FlowStateRequest { Queue = "default", Name = "n", Now = TestJobs.Now }, CancellationToken.None);

        state.QueuePaused.Should().BeTrue();
        state.RunningWithKey.Should().Be(0);
        state.HeldUntil.Should().BeNull();
        state.RateRoomAt.Should().BeEmpty();
    }

    [Fact]
    public async Task FlowStatements_Plans_SeekTheirIndexesAndTheFetchAsksForLiveHoldsOnce()
    {
        SqliteJobStorage store = _database.CreateStore();
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        ExplainQueryPlan(FlowSql.RunningInQueue).Should().ContainSingle().Which.Should().Contain("COVERING INDEX jobqueue_jobs_queue_state");
        ExplainQueryPlan(FlowSql.RunningWithKey).Should().ContainSingle().Which.Should().Contain("COVERING INDEX jobqueue_jobs_running_key");
        ExplainQueryPlan(FlowSql.CountStarts).Should().Contain(step => step.Contains("COVERING INDEX jobqueue_rate_starts_scope (scope=? AND started_at>?)", StringComparison.Ordinal));
        ExplainQueryPlan(JobSql.FindIdempotencyHolder).Should().Contain(step => step.Contains("INDEX jobqueue_jobs_idempotency (idempotency_key=?)", StringComparison.Ordinal));
        ExplainQueryPlan(FlowSql.CandidatesInLevelAfter).Should().ContainSingle()
            .Which.Should().Contain("INDEX jobqueue_jobs_ready (queue=? AND priority=? AND run_at>?", "a page after the first seeks to its cursor");
        ExplainQueryPlan(FlowSql.CandidatesBelowLevel).Should().ContainSingle()
            .Which.Should().Contain("INDEX jobqueue_jobs_ready (queue=? AND priority<?)");
        ExplainQueryPlan(FlowSql.Candidates).Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        ExplainQueryPlan(FlowSql.CandidatesInLevelAfter).Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        ExplainQueryPlan(FlowSql.CandidatesBelowLevel).Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        List<string> fetch = ExplainQueryPlan(JobSql.Fetch);
        fetch.Should().Contain("SEARCH jobqueue_holds USING COVERING INDEX jobqueue_holds_until (until>?)");
        fetch.Should().Contain(step => step.StartsWith("SCALAR SUBQUERY", StringComparison.Ordinal), "the 'any live hold' test is uncorrelated: run once per fetch");
    }

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

    private static NewJob Keyed(string key) => TestJobs.New() with { LimitKey = key };
}
