using JobQueue.Postgres.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;

namespace JobQueue.Postgres.Tests.Storage;

/// <summary>Flow control on PostgreSQL: fetches with limits (across hosts), holds and flow state.</summary>
public sealed class PostgresFlowTests : IAsyncLifetime
{
    private PostgresTestStore _store = null!;

    private IJobStorage Storage => _store.Storage;

    public async Task InitializeAsync() => _store = await PostgresTestStore.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task FetchAsync_ConcurrencyPerKey_SkipsBusyKeyAndLeasesLaterJobs()
    {
        NewJob a1 = Keyed("a"), a2 = Keyed("a"), b1 = Keyed("b"), none = Requests.Job();
        await Storage.EnqueueAsync(Requests.Enqueue(a1, a2, b1, none), CancellationToken.None);

        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Limited(new FetchLimits { ConcurrencyPerKey = 1 }), CancellationToken.None);

        leased.Select(j => j.Id).Should().Equal(a1.Id, b1.Id, none.Id);
        leased[0].LimitKey.Should().Be("a");
        StoredJob skipped = (await Storage.GetJobsAsync([a2.Id], CancellationToken.None))[0]!;
        skipped.State.Should().Be(JobState.Enqueued);
        skipped.Attempt.Should().Be(0);
        (await Storage.FetchAsync(Limited(new FetchLimits { ConcurrencyPerKey = 1 }), CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task FetchAsync_NameLimitOverridesQueuePerKey_AndKeysCountAcrossQueues()
    {
        NewJob other = Keyed("k") with { Queue = "other" };
        await Storage.EnqueueAsync(Requests.Enqueue(other), CancellationToken.None);
        (await Storage.FetchAsync(Requests.Fetch("other"), CancellationToken.None)).Should().ContainSingle();
        NewJob[] jobs = [.. Enumerable.Range(0, 4).Select(_ => Keyed("k"))];
        await Storage.EnqueueAsync(Requests.Enqueue(jobs), CancellationToken.None);
        var limits = new FetchLimits { ConcurrencyPerKey = 1, Names = [new NameLimits { Name = "test-job", ConcurrencyPerKey = 3 }] };

        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Limited(limits), CancellationToken.None);

        // The running job of queue "other" counts: 3 allowed, 1 running already.
        leased.Select(j => j.Id).Should().Equal(jobs[0].Id, jobs[1].Id);
    }

    [Fact]
    public async Task FetchAsync_QueueRate_SlidesAndRecordsOneStartPerAppliedScope()
    {
        NewJob[] jobs = [.. Enumerable.Range(0, 6).Select(_ => Requests.Job())];
        await Storage.EnqueueAsync(Requests.Enqueue(jobs), CancellationToken.None);
        var limits = new FetchLimits { QueueRate = RateLimit.PerMinute(2) };

        IReadOnlyList<StoredJob> first = await Storage.FetchAsync(Limited(limits), CancellationToken.None);
        IReadOnlyList<StoredJob> sameMinute = await Storage.FetchAsync(Limited(limits, Requests.Now.AddSeconds(59)), CancellationToken.None);
        IReadOnlyList<StoredJob> nextMinute = await Storage.FetchAsync(Limited(limits, Requests.Now.AddSeconds(60)), CancellationToken.None);

        first.Should().HaveCount(2);
        sameMinute.Should().BeEmpty();
        nextMinute.Should().HaveCount(2);
        (await _store.ScalarAsync("SELECT count(*) FROM {s}.rate_starts WHERE scope = 'queue:default'")).Should().Be(2,
            "the first two starts left the window and were deleted by the fetch that recorded the next two");
        (await _store.ScalarAsync("SELECT count(*) FROM {s}.rate_starts WHERE scope <> 'queue:default'")).Should().Be(0);
    }

    [Fact]
    public async Task FetchAsync_NameAndKeyRates_SkipOverLimitJobsOnly()
    {
        NewJob limited = Requests.Job() with { Name = "limited" };
        NewJob limitedToo = Requests.Job() with { Name = "limited" };
        NewJob keyA = Keyed("a"), keyA2 = Keyed("a"), keyB = Keyed("b");
        await Storage.EnqueueAsync(Requests.Enqueue(limited, limitedToo, keyA, keyA2, keyB), CancellationToken.None);
        var limits = new FetchLimits
        {
            RatePerKey = RateLimit.PerHour(1),
            Names = [new NameLimits { Name = "limited", Rate = RateLimit.PerHour(1) }],
        };

        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Limited(limits), CancellationToken.None);

        leased.Select(j => j.Id).Should().Equal(limited.Id, keyA.Id, keyB.Id);
        (await _store.ScalarAsync("SELECT count(*) FROM {s}.rate_starts")).Should().Be(3);
    }

    [Fact]
    public async Task FetchAsync_MaxSkipped_CountsRateSkipsButNotKeyConcurrencySkips()
    {
        NewJob[] busy = [.. Enumerable.Range(0, 4).Select(_ => Keyed("busy"))];
        NewJob free = Keyed("free");
        await Storage.EnqueueAsync(Requests.Enqueue([.. busy, free]), CancellationToken.None);

        IReadOnlyList<StoredJob> byRate = await Storage.FetchAsync(
            Limited(new FetchLimits { RatePerKey = RateLimit.PerHour(1), MaxSkipped = 2 }), CancellationToken.None);
        IReadOnlyList<StoredJob> byConcurrency = await Storage.FetchAsync(
            Limited(new FetchLimits { ConcurrencyPerKey = 1, MaxSkipped = 1 }, Requests.Now.AddSeconds(1)), CancellationToken.None);

        byRate.Select(j => j.Id).Should().Equal([busy[0].Id], "two jobs over the key's rate were skipped, and the fetch stopped");
        byConcurrency.Select(j => j.Id).Should().Equal([free.Id], "jobs over their key's concurrency do not count toward MaxSkipped");
    }

    [Fact]
    public async Task FetchAsync_BusyKeyFillsTheFirstPage_ReadsTheRestWithCountsOfItsNewKeys()
    {
        NewJob elsewhere = Keyed("elsewhere") with { Queue = "other" };
        await Storage.EnqueueAsync(Requests.Enqueue(elsewhere), CancellationToken.None);
        (await Storage.FetchAsync(Requests.Fetch("other"), CancellationToken.None)).Should().ContainSingle();
        NewJob[] busy = [.. Enumerable.Range(0, 40).Select(_ => Keyed("busy"))];
        NewJob runningElsewhere = Keyed("elsewhere"), free = Keyed("free"), freeAgain = Keyed("free");
        await Storage.EnqueueAsync(Requests.Enqueue([.. busy, runningElsewhere, free, freeAgain]), CancellationToken.None);
        var limits = new FetchLimits { ConcurrencyPerKey = 1, RatePerKey = RateLimit.PerHour(5) };

        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Limited(limits, limit: 3), CancellationToken.None);

        // The first page (32 candidates) holds busy jobs only: the fetch reads on, and counts the keys it first sees there.
        leased.Select(j => j.Id).Should().Equal(busy[0].Id, free.Id);
    }

    [Fact]
    public async Task FlowCandidatesAfter_LongBacklog_ReadsTwoRangesOfTheFetchIndex()
    {
        // A long busy-key backlog is read page after page: each page must start where the last ended, not walk from the top.
        await _store.ScalarAsync("""
            INSERT INTO {s}.jobs (id, name, queue, state, arguments, max_attempts, timeout_ticks, retry_delay_ticks, run_at, enqueued_at, limit_key)
            SELECT gen_random_uuid(), 'busy', 'default', 1, '\x7b7d', 1, 1, 1, now(), now(), 'busy' FROM generate_series(1, 50000);
            ANALYZE {s}.jobs;
            SELECT 1
            """);

        string plan = await _store.ExplainAsync(_store.Storage.Sql.FlowCandidatesAfter,
            ("queue", "default"), ("limit", 64), ("now", DateTime.UtcNow), ("priority", 0), ("run_at", DateTime.UtcNow.AddDays(-1)), ("seq", 25_000L),
            ("full_at", 1), ("queue_keyed", true), ("keyed_names", Array.Empty<string>()));

        // Each branch is a range of jobs_fetch_idx: the rest of the priority after the last job, then the lower priorities.
        plan.Should().NotContain("Seq Scan").And.Contain("ROW(run_at, seq) > ROW(").And.Contain("(priority < 0)");
    }

    [Fact]
    public async Task FetchAsync_QueueConcurrencyFromManyHostsAtOnce_NeverLeasesMoreThanTheLimit()
    {
        NewJob[] jobs = [.. Enumerable.Range(0, 40).Select(i => Keyed("k" + (i % 4)))];
        await Storage.EnqueueAsync(Requests.Enqueue(jobs), CancellationToken.None);
        PostgresJobStorage[] hosts = [.. Enumerable.Range(0, 8).Select(_ => _store.OtherHost())];
        var limits = new FetchLimits { QueueConcurrency = 5, ConcurrencyPerKey = 2, QueueRate = RateLimit.PerHour(7) };

        try
        {
            IReadOnlyList<StoredJob>[] leased = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
                Task.Run(async () => await hosts[i % hosts.Length].FetchAsync(Limited(limits, limit: 3), CancellationToken.None))));

            StoredJob[] all = [.. leased.SelectMany(l => l)];
            all.Should().HaveCount(5);
            all.Select(j => j.Id).Should().OnlyHaveUniqueItems();
            all.GroupBy(j => j.LimitKey).Should().AllSatisfy(g => g.Count().Should().BeLessThanOrEqualTo(2));
            (await _store.ScalarAsync("SELECT count(*) FROM {s}.rate_starts")).Should().Be(5);
        }
        finally
        {
            foreach (PostgresJobStorage host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task FetchAsync_OneKeyInTwoQueuesFromManyHostsAtOnce_NeverRunsMoreThanItsLimit()
    {
        // Fetches of two queues read different candidates, so only the flow lock keeps two of them from both taking
        // the last room of a key they share.
        string[] keys = [.. Enumerable.Range(0, 12).Select(i => "k" + i)];
        await Storage.EnqueueAsync(Requests.Enqueue(
            [.. keys.Select(k => Keyed(k)), .. keys.Select(k => Keyed(k) with { Queue = "other" })]), CancellationToken.None);
        PostgresJobStorage[] hosts = [.. Enumerable.Range(0, 8).Select(_ => _store.OtherHost())];
        var limits = new FetchLimits { ConcurrencyPerKey = 1, RatePerKey = RateLimit.PerHour(1) };

        try
        {
            IReadOnlyList<StoredJob>[] leased = await Task.WhenAll(Enumerable.Range(0, 32).Select(i =>
                Task.Run(async () => await hosts[i % hosts.Length].FetchAsync(
                    Limited(limits, limit: 1) with { Queue = i % 2 == 0 ? "default" : "other" }, CancellationToken.None))));

            StoredJob[] all = [.. leased.SelectMany(l => l)];
            all.Select(j => j.LimitKey).Should().OnlyHaveUniqueItems();
            (await _store.ScalarAsync("SELECT count(*) FROM {s}.rate_starts")).Should().Be(all.Length);
        }
        finally
        {
            foreach (PostgresJobStorage host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task FetchAsync_HeldKeyOrName_SkippedByPlainAndLimitedFetchesUntilTheHoldEnds()
    {
        NewJob heldKey = Keyed("held"), heldName = Requests.Job() with { Name = "held-name" }, free = Requests.Job();
        await Storage.EnqueueAsync(Requests.Enqueue(heldKey, heldName, free), CancellationToken.None);
        await Storage.HoldAsync(new HoldRequest
        {
            Holds =
            [
                new FlowHold { Scope = FlowScope.Key("held"), Until = Requests.Now.AddSeconds(10) },
                new FlowHold { Scope = FlowScope.Key("held"), Until = Requests.Now.AddSeconds(30) },
                new FlowHold { Scope = FlowScope.Name("held-name"), Until = Requests.Now.AddSeconds(20) },
            ],
            Now = Requests.Now,
        }, CancellationToken.None);

        IReadOnlyList<StoredJob> plain = await Storage.FetchAsync(Requests.Fetch(), CancellationToken.None);
        IReadOnlyList<StoredJob> limited = await Storage.FetchAsync(Limited(new FetchLimits(), Requests.Now.AddSeconds(25)), CancellationToken.None);
        IReadOnlyList<StoredJob> after = await Storage.FetchAsync(Requests.Fetch(now: Requests.Now.AddSeconds(30)), CancellationToken.None);

        plain.Select(j => j.Id).Should().Equal(free.Id);
        limited.Select(j => j.Id).Should().Equal(heldName.Id);
        after.Select(j => j.Id).Should().Equal([heldKey.Id], "a hold ends at its time: a job is skipped only while the hold is after now");
    }

    [Fact]
    public async Task HoldAsync_ScopeHeldAlready_KeepsTheLaterEndAndDeletesEndedHolds()
    {
        await Hold(FlowScope.Key("a"), Requests.Now.AddMinutes(5), Requests.Now);
        await Hold(FlowScope.Key("old"), Requests.Now.AddMinutes(1), Requests.Now);

        await Hold(FlowScope.Key("a"), Requests.Now.AddMinutes(2), Requests.Now.AddMinutes(3));

        FlowState state = await Storage.GetFlowStateAsync(new FlowStateRequest
        {
            Queue = "default", Name = "test-job", LimitKey = "a", Now = Requests.Now.AddMinutes(3),
        }, CancellationToken.None);
        state.HeldUntil.Should().Be(Requests.Now.AddMinutes(5));
        (await _store.ScalarAsync("SELECT count(*) FROM {s}.holds")).Should().Be(1);
    }

    [Fact]
    public async Task GetFlowStateAsync_ReadsPauseRunningHoldsAndRateRoom()
    {
        NewJob a = Keyed("a"), b = Keyed("b"), other = Keyed("a") with { Queue = "other" };
        await Storage.EnqueueAsync(Requests.Enqueue(a, b, other), CancellationToken.None);
        var limits = new FetchLimits { QueueRate = RateLimit.PerMinute(2) };
        await Storage.FetchAsync(Limited(limits), CancellationToken.None);
        await Storage.FetchAsync(Requests.Fetch("other"), CancellationToken.None);
        await Storage.PauseQueueAsync(new PauseQueueRequest { Queue = "default", Now = Requests.Now }, CancellationToken.None);
        await Hold(FlowScope.Name("test-job"), Requests.Now.AddMinutes(1), Requests.Now);

        FlowState state = await Storage.GetFlowStateAsync(new FlowStateRequest
        {
            Queue = "default",
            Name = "test-job",
            LimitKey = "a",
            Rates =
            [
                new RateScopeQuery { Scope = FlowScope.Queue("default"), Limit = RateLimit.PerMinute(2) },
                new RateScopeQuery { Scope = FlowScope.Queue("default"), Limit = RateLimit.PerMinute(3) },
                new RateScopeQuery { Scope = FlowScope.Key("a"), Limit = RateLimit.PerMinute(1) },
            ],
            Now = Requests.Now.AddSeconds(10),
        }, CancellationToken.None);

        state.QueuePaused.Should().BeTrue();
        state.RunningInQueue.Should().Be(2);
        state.RunningWithKey.Should().Be(2);
        state.HeldUntil.Should().Be(Requests.Now.AddMinutes(1));
        state.RateRoomAt.Should().Equal(Requests.Now.AddMinutes(1), null, null);
    }

    private static NewJob Keyed(string key) => Requests.Job() with { LimitKey = key };

    private static FetchRequest Limited(FetchLimits limits, DateTimeOffset? now = null, int limit = 10) =>
        Requests.Fetch(limit: limit, now: now) with { Limits = limits };

    private Task Hold(string scope, DateTimeOffset until, DateTimeOffset now) => Storage.HoldAsync(
        new HoldRequest { Holds = [new FlowHold { Scope = scope, Until = until }], Now = now }, CancellationToken.None).AsTask();
}
