using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using StackExchange.Redis;
using static JobQueue.Redis.Tests.StoreRequests;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>Flow control on Redis: limits at fetch, holds, the flow state, and the per-key running sets behind them.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisFlowStorageTests
{
    private readonly RedisFixture _fixture;

    public RedisFlowStorageTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task FetchAsync_KeyAtItsConcurrency_SkipsItsJobsAndLeasesLaterOnes()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob a1 = Job() with { LimitKey = "a" }, a2 = Job() with { LimitKey = "a" }, b = Job() with { LimitKey = "b" };
        await EnqueueAsync(storage, a1, a2, b);
        var limits = new FetchLimits { ConcurrencyPerKey = 1 };

        IReadOnlyList<StoredJob> first = await storage.FetchAsync(Fetch() with { Limits = limits }, Deadline.Token());
        IReadOnlyList<StoredJob> second = await storage.FetchAsync(Fetch() with { Limits = limits }, Deadline.Token());
        await storage.CompleteAsync([new JobCompletion { Id = a1.Id, LeaseToken = first[0].LeaseToken!.Value, Now = T0 }], Deadline.Token());
        IReadOnlyList<StoredJob> third = await storage.FetchAsync(Fetch() with { Limits = limits }, Deadline.Token());

        first.Select(j => j.Id).Should().Equal(a1.Id, b.Id);
        first[0].LimitKey.Should().Be("a");
        second.Should().BeEmpty();
        third.Select(j => j.Id).Should().Equal(a2.Id);
    }

    [Fact]
    public async Task FetchAsync_EveryWayOutOfRunning_FreesTheKey()
    {
        await using RedisJobStorage storage = NewStorage();
        var limits = new FetchLimits { ConcurrencyPerKey = 1 };
        NewJob[] jobs = [.. Enumerable.Range(0, 5).Select(_ => Job() with { LimitKey = "k" })];
        await EnqueueAsync(storage, jobs);

        // Fail with a retry, fail for good, reschedule, cancel, rescue: each takes the job out of the key's running set
        // itself (the fetch's self-repair would hide a miss, so the set is read before the next fetch).
        IDatabase database = await RedisStores.DatabaseAsync(storage);
        var leftBehind = new List<string>();
        async Task ExitedAsync() => leftBehind.AddRange((await database.SetMembersAsync(storage.Prefix + "run:k")).Select(m => (string)m!));

        StoredJob leased = await FetchOneAsync(storage, limits, T0);
        await storage.FailAsync([new JobFailure { Id = leased.Id, LeaseToken = leased.LeaseToken!.Value, Error = Error(), RetryAt = T0.AddHours(1), Now = T0 }], Deadline.Token());
        await ExitedAsync();
        leased = await FetchOneAsync(storage, limits, T0);
        await storage.FailAsync([new JobFailure { Id = leased.Id, LeaseToken = leased.LeaseToken!.Value, Error = Error(), Now = T0 }], Deadline.Token());
        await ExitedAsync();
        leased = await FetchOneAsync(storage, limits, T0);
        await storage.RescheduleAsync([new JobReschedule { Id = leased.Id, LeaseToken = leased.LeaseToken!.Value, RunAt = T0.AddHours(1), Now = T0 }], Deadline.Token());
        await ExitedAsync();
        leased = await FetchOneAsync(storage, limits, T0);
        await storage.CancelAsync(new CancelRequest { Ids = [leased.Id], Now = T0 }, Deadline.Token());
        await ExitedAsync();
        leased = await FetchOneAsync(storage, limits, T0);
        (await database.SetMembersAsync(storage.Prefix + "run:k")).Select(m => (string)m!).Should().Equal(leased.Id.ToString());
        await storage.RescueExpiredLeasesAsync(new RescueRequest { Now = T0.AddHours(2), Limit = 10, ErrorType = "Lost", ErrorMessage = "lease expired" }, Deadline.Token());
        await ExitedAsync();
        leased = await FetchOneAsync(storage, limits, T0.AddHours(2));
        await storage.CompleteAsync([new JobCompletion { Id = leased.Id, LeaseToken = leased.LeaseToken!.Value, Now = T0.AddHours(2) }], Deadline.Token());
        await ExitedAsync();

        leftBehind.Should().BeEmpty();
    }

    [Fact]
    public async Task FetchAsync_RunningSetHoldsJobsNoLongerRunning_RepairsItAndLeases()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob job = Job() with { LimitKey = "k" };
        await EnqueueAsync(storage, job);

        // A member that is no job, and one that is a job not running: left by hand, or by a host of the previous version.
        IDatabase database = await RedisStores.DatabaseAsync(storage);
        await database.SetAddAsync(storage.Prefix + "run:k", [JobId.New().ToString(), job.Id.ToString()]);
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(Fetch() with { Limits = new FetchLimits { ConcurrencyPerKey = 1 } }, Deadline.Token());

        leased.Select(j => j.Id).Should().Equal(job.Id);
        (await database.SetMembersAsync(storage.Prefix + "run:k")).Select(m => (string)m!).Should().Equal(job.Id.ToString());
    }

    [Fact]
    public async Task FetchAsync_QueueConcurrency_CountsJobsRunningFromEarlierFetches()
    {
        await using RedisJobStorage storage = NewStorage();
        await EnqueueAsync(storage, [.. Enumerable.Range(0, 5).Select(_ => Job())]);
        var limits = new FetchLimits { QueueConcurrency = 3 };

        IReadOnlyList<StoredJob> first = await storage.FetchAsync(Fetch(2) with { Limits = limits }, Deadline.Token());
        IReadOnlyList<StoredJob> second = await storage.FetchAsync(Fetch(10) with { Limits = limits }, Deadline.Token());

        first.Should().HaveCount(2);
        second.Should().HaveCount(1);
    }

    [Fact]
    public async Task FetchAsync_RatePerKey_SlidesItsWindowAndFlowStateTellsWhenItHasRoom()
    {
        await using RedisJobStorage storage = NewStorage();
        await EnqueueAsync(storage, [.. Enumerable.Range(0, 4).Select(_ => Job() with { LimitKey = "k" })]);
        RateLimit rate = new(2, TimeSpan.FromMinutes(1));
        var limits = new FetchLimits { RatePerKey = rate };

        IReadOnlyList<StoredJob> atStart = await storage.FetchAsync(Fetch() with { Limits = limits }, Deadline.Token());
        IReadOnlyList<StoredJob> justBefore = await storage.FetchAsync(Fetch() with { Limits = limits, Now = T0.AddSeconds(59.9999) }, Deadline.Token());
        FlowState state = await storage.GetFlowStateAsync(new FlowStateRequest
        {
            Queue = "default",
            Name = "test-job",
            LimitKey = "k",
            Rates = [new RateScopeQuery { Scope = FlowScope.Key("k"), Limit = rate }],
            Now = T0.AddSeconds(30),
        }, Deadline.Token());
        IReadOnlyList<StoredJob> atPeriod = await storage.FetchAsync(Fetch() with { Limits = limits, Now = T0.AddMinutes(1) }, Deadline.Token());

        atStart.Should().HaveCount(2);
        justBefore.Should().BeEmpty();
        state.RateRoomAt.Should().Equal(T0.AddMinutes(1));
        state.RunningWithKey.Should().Be(2);
        state.RunningInQueue.Should().Be(2);
        atPeriod.Should().HaveCount(2);
    }

    [Fact]
    public async Task FetchAsync_StartRecordedWithALaterNow_CountsForAFetchWhoseNowIsBehind()
    {
        await using RedisJobStorage storage = NewStorage();
        await EnqueueAsync(storage, [.. Enumerable.Range(0, 2).Select(_ => Job() with { LimitKey = "k" })]);
        var limits = new FetchLimits { RatePerKey = new RateLimit(1, TimeSpan.FromMinutes(1)) };

        // Two hosts: the one whose now is later reaches the server first. The other must not start a second job within
        // the minute that holds the first start.
        IReadOnlyList<StoredJob> ahead = await storage.FetchAsync(Fetch() with { Limits = limits, Now = T0.AddSeconds(10) }, Deadline.Token());
        IReadOnlyList<StoredJob> behind = await storage.FetchAsync(Fetch() with { Limits = limits, Now = T0 }, Deadline.Token());

        ahead.Should().HaveCount(1);
        behind.Should().BeEmpty();
    }

    [Fact]
    public async Task FetchAsync_MaxSkipped_StopsBehindABusyKey()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob[] busy = [.. Enumerable.Range(0, 4).Select(_ => Job() with { LimitKey = "busy" })];
        NewJob other = Job() with { LimitKey = "other" };
        await EnqueueAsync(storage, [.. busy, other]);
        var limits = new FetchLimits { RatePerKey = new RateLimit(1, TimeSpan.FromHours(1)), MaxSkipped = 2 };

        IReadOnlyList<StoredJob> first = await storage.FetchAsync(Fetch() with { Limits = limits }, Deadline.Token());
        IReadOnlyList<StoredJob> second = await storage.FetchAsync(Fetch() with { Limits = limits with { MaxSkipped = 10 } }, Deadline.Token());

        first.Select(j => j.Id).Should().Equal(busy[0].Id);
        second.Select(j => j.Id).Should().Equal(other.Id);
    }

    [Fact]
    public async Task FetchAsync_KeyAtItsConcurrency_ParksItsJobsAndEachFreedSlotBringsOneBack()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob[] busy = [.. Enumerable.Range(0, 5).Select(_ => Job() with { LimitKey = "busy" })];
        NewJob other = Job() with { LimitKey = "other" };
        await EnqueueAsync(storage, [.. busy, other]);
        var limits = new FetchLimits { ConcurrencyPerKey = 1, MaxSkipped = 1 };
        IDatabase database = await RedisStores.DatabaseAsync(storage);
        var leased = new List<JobId>();
        async Task<StoredJob[]> FetchAllAsync()
        {
            StoredJob[] jobs = [.. await storage.FetchAsync(Fetch() with { Limits = limits }, Deadline.Token())];
            leased.AddRange(jobs.Select(j => j.Id));
            return jobs;
        }

        // Parked, the busy key's jobs are no skips: the other key is reached with MaxSkipped 1.
        StoredJob[] first = await FetchAllAsync();
        long parked = await database.SortedSetLengthAsync(storage.Prefix + "parked:busy");
        long ready = await database.SortedSetLengthAsync(storage.Prefix + "ready:default");
        await storage.CancelAsync(new CancelRequest { Ids = [busy[2].Id], Now = T0 }, Deadline.Token());
        await storage.CompleteAsync([new JobCompletion { Id = busy[0].Id, LeaseToken = first[0].LeaseToken!.Value, Now = T0 }], Deadline.Token());
        StoredJob[] second = await FetchAllAsync();
        await storage.CompleteAsync([new JobCompletion { Id = busy[1].Id, LeaseToken = second[0].LeaseToken!.Value, Now = T0 }], Deadline.Token());

        // busy[3] is back in its queue; cancelled there, it hands the freed slot on to busy[4].
        await storage.CancelAsync(new CancelRequest { Ids = [busy[3].Id], Now = T0 }, Deadline.Token());
        await FetchAllAsync();
        StoredJob[] last = await FetchAllAsync();

        parked.Should().Be(4);
        ready.Should().Be(0);
        leased.Should().Equal(busy[0].Id, other.Id, busy[1].Id, busy[4].Id);
        last.Should().BeEmpty();
        (await database.KeyExistsAsync(storage.Prefix + "parked:busy")).Should().BeFalse();
    }

    [Fact]
    public async Task FetchAsync_HeldKey_PlainFetchSkipsItUntilTheHoldEnds()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob held = Job() with { LimitKey = "k" }, free = Job();
        await EnqueueAsync(storage, held, free);
        await storage.HoldAsync(new HoldRequest { Holds = [new FlowHold { Scope = FlowScope.Key("k"), Until = T0.AddMinutes(1) }], Now = T0 }, Deadline.Token());

        IReadOnlyList<StoredJob> during = await storage.FetchAsync(Fetch(), Deadline.Token());
        FlowState state = await storage.GetFlowStateAsync(new FlowStateRequest { Queue = "default", Name = "test-job", LimitKey = "k", Now = T0 }, Deadline.Token());
        IReadOnlyList<StoredJob> after = await storage.FetchAsync(Fetch() with { Now = T0.AddMinutes(1) }, Deadline.Token());

        during.Select(j => j.Id).Should().Equal(free.Id);
        state.HeldUntil.Should().Be(T0.AddMinutes(1));
        after.Select(j => j.Id).Should().Equal(held.Id);
        (await (await RedisStores.DatabaseAsync(storage)).KeyExistsAsync(storage.Prefix + "holds")).Should().BeFalse("the fetch after the hold deleted it");
    }

    [Fact]
    public async Task FetchAsync_ConcurrentFetchesWithLimitsFromManyConnections_NeverExceedTheKeyLimit()
    {
        string prefix = "p" + Guid.NewGuid().ToString("N");
        RedisJobStorage[] stores = [.. Enumerable.Range(0, 6).Select(_ => NewStorage(prefix))];
        try
        {
            await EnqueueAsync(stores[0], [.. Enumerable.Range(0, 40).Select(_ => Job() with { LimitKey = "k" })]);
            var limits = new FetchLimits { ConcurrencyPerKey = 3 };

            IReadOnlyList<StoredJob>[] leased = await Task.WhenAll(stores.Select(s => s.FetchAsync(Fetch(5) with { Limits = limits }, Deadline.Token()).AsTask()));

            leased.Sum(l => l.Count).Should().Be(3);
        }
        finally
        {
            foreach (RedisJobStorage store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    private static async Task EnqueueAsync(RedisJobStorage storage, params NewJob[] jobs)
        => await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = T0 }, Deadline.Token());

    private static async Task<StoredJob> FetchOneAsync(RedisJobStorage storage, FetchLimits limits, DateTimeOffset now)
    {
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(Fetch(10) with { Limits = limits, Now = now, LeaseExpiresAt = now.AddMinutes(5) }, Deadline.Token());
        leased.Should().HaveCount(1);
        return leased[0];
    }

    private static JobError Error() => new() { Type = "Boom", Message = "boom", Attempt = 1, At = T0 };

    private RedisJobStorage NewStorage(string? prefix = null) => RedisStores.Create(_fixture.Server.ConnectionString, prefix ?? "p" + Guid.NewGuid().ToString("N"));
}
