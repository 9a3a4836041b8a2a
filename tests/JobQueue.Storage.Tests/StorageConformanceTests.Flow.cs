using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

// Flow control at fetch (FetchLimits), holds (HoldAsync) and the flow state (GetFlowStateAsync).
public abstract partial class StorageConformanceTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    protected static NewJob KeyedJob(string? limitKey, string queue = DefaultQueue, string name = "test-job", DateTimeOffset? runAt = null)
        => Job(queue, runAt: runAt, name: name) with { LimitKey = limitKey };

    protected async Task<IReadOnlyList<StoredJob>> FetchLimitedAsync(FetchLimits limits, string queue = DefaultQueue, int limit = 10,
        DateTimeOffset? now = null)
    {
        DateTimeOffset at = now ?? At(1_000);
        return await Storage.FetchAsync(
            new FetchRequest
            {
                Queue = queue,
                Limit = limit,
                Now = at,
                LeaseToken = Guid.NewGuid(),
                LeaseExpiresAt = at.AddSeconds(30),
                WorkerId = "worker-1",
                Limits = limits,
            },
            Ct);
    }

    protected Task HoldAsync(string scope, DateTimeOffset until, DateTimeOffset? now = null)
        => Storage.HoldAsync(new HoldRequest { Holds = [new FlowHold { Scope = scope, Until = until }], Now = now ?? At(1_000) }, Ct).AsTask();

    [Fact]
    public async Task FetchAsync_ConcurrencyPerKey_LeasesAtMostTheLimitPerKeyCountingItsOwnLeases()
    {
        NewJob a1 = await EnqueueOneAsync(KeyedJob("a"));
        NewJob a2 = await EnqueueOneAsync(KeyedJob("a"));
        NewJob b1 = await EnqueueOneAsync(KeyedJob("b"));
        NewJob a3 = await EnqueueOneAsync(KeyedJob("a"));
        NewJob plain = await EnqueueOneAsync(KeyedJob(null));
        NewJob b2 = await EnqueueOneAsync(KeyedJob("b"));

        IReadOnlyList<StoredJob> leased = await FetchLimitedAsync(new FetchLimits { ConcurrencyPerKey = 1 });

        leased.Select(j => j.Id).Should().Equal(a1.Id, b1.Id, plain.Id);
        leased[0].LimitKey.Should().Be("a");
        foreach (NewJob skipped in new[] { a2, a3, b2 })
        {
            StoredJob stored = await GetRequiredAsync(skipped.Id);
            stored.State.Should().Be(JobState.Enqueued, "a job over its key's limit stays ready");
            stored.Attempt.Should().Be(0, "a skipped job spends no attempt");
            stored.RunAt.Should().Be(T0, "a skipped job is not moved in time");
        }
    }

    [Fact]
    public async Task FetchAsync_ConcurrencyPerKey_RoomComesBackWhenAJobOfTheKeyLeavesRunning()
    {
        NewJob[] jobs = [KeyedJob("a"), KeyedJob("a"), KeyedJob("a"), KeyedJob("a"), KeyedJob("a")];
        foreach (NewJob job in jobs)
        {
            await EnqueueOneAsync(job);
        }

        var limits = new FetchLimits { ConcurrencyPerKey = 1 };
        StoredJob first = (await FetchLimitedAsync(limits)).Should().ContainSingle().Subject;
        (await FetchLimitedAsync(limits)).Should().BeEmpty("the key's one slot is taken");

        await CompleteAsync(first, At(1_100));
        StoredJob second = (await FetchLimitedAsync(limits, now: At(1_200))).Should().ContainSingle().Subject;
        await FailAsync(second, At(1_300), retryAt: At(1_300));
        StoredJob third = (await FetchLimitedAsync(limits, now: At(1_400))).Should().ContainSingle().Subject;
        await RescheduleAsync(third, At(1_500), At(1_500));
        StoredJob fourth = (await FetchLimitedAsync(limits, now: At(1_600))).Should().ContainSingle().Subject;
        await CancelAsync(fourth.Id, At(1_700));
        StoredJob fifth = (await FetchLimitedAsync(limits, now: At(1_800))).Should().ContainSingle().Subject;
        (await RescueAsync(fifth.LeaseExpiresAt!.Value)).Should().Equal(fifth.Id);
        (await FetchLimitedAsync(limits, now: fifth.LeaseExpiresAt!.Value.AddMilliseconds(1))).Should().ContainSingle(
            "completion, a retry, a reschedule, a cancel and a rescue each free the key's slot");
    }

    [Fact]
    public async Task FetchAsync_ConcurrencyPerKey_KeysCountAcrossQueues()
    {
        await EnqueueOneAsync(KeyedJob("a", queue: "q1"));
        NewJob other = await EnqueueOneAsync(KeyedJob("a", queue: "q2"));
        (await FetchAsync("q1")).Should().ContainSingle();

        (await FetchLimitedAsync(new FetchLimits { ConcurrencyPerKey = 1 }, "q2")).Should().BeEmpty("key 'a' runs in q1");
        (await GetRequiredAsync(other.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task FetchAsync_KeyAtItsLimit_DoesNotHoldBackOtherKeysBehindIt()
    {
        for (int i = 0; i < 5; i++)
        {
            await EnqueueOneAsync(KeyedJob("busy"));
        }

        NewJob cold = await EnqueueOneAsync(KeyedJob("cold"));
        var limits = new FetchLimits { ConcurrencyPerKey = 1 };
        (await FetchLimitedAsync(limits, limit: 1)).Should().ContainSingle().Which.LimitKey.Should().Be("busy");

        (await FetchLimitedAsync(limits, limit: 1)).Select(j => j.Id).Should().Equal(cold.Id);
    }

    [Fact]
    public async Task FetchAsync_NameLimits_OverrideTheQueuesPerKeyLimitForThatName()
    {
        for (int i = 0; i < 3; i++)
        {
            await EnqueueOneAsync(KeyedJob("a", name: "generous"));
        }

        for (int i = 0; i < 3; i++)
        {
            await EnqueueOneAsync(KeyedJob("b", name: "plain"));
        }

        IReadOnlyList<StoredJob> leased = await FetchLimitedAsync(new FetchLimits
        {
            ConcurrencyPerKey = 1,
            Names = [new NameLimits { Name = "generous", ConcurrencyPerKey = 2 }],
        });

        leased.Count(j => j.Name == "generous").Should().Be(2);
        leased.Count(j => j.Name == "plain").Should().Be(1);
    }

    [Fact]
    public async Task FetchAsync_MaxSkipped_StopsAfterSkippingThatMany()
    {
        for (int i = 0; i < 5; i++)
        {
            await EnqueueOneAsync(KeyedJob("busy"));
        }

        NewJob cold = await EnqueueOneAsync(KeyedJob("cold"));
        var oneStartPerKey = new RateLimit(1, TimeSpan.FromHours(1));
        (await FetchLimitedAsync(new FetchLimits { RatePerKey = oneStartPerKey }, limit: 1)).Should().ContainSingle();

        (await FetchLimitedAsync(new FetchLimits { RatePerKey = oneStartPerKey, MaxSkipped = 3 }, now: At(1_100))).Should().BeEmpty(
            "four jobs of the busy key, out of rate room, stand before the cold one, and the fetch may skip only three");
        (await FetchLimitedAsync(new FetchLimits { RatePerKey = oneStartPerKey, MaxSkipped = 10 }, now: At(1_200))).Select(j => j.Id).Should().Equal(cold.Id);
    }

    [Fact]
    public async Task FetchAsync_BusyKeyBacklog_DoesNotStarveOtherKeysOverManyFetches()
    {
        // A busy key with more ready jobs than one fetch may skip, ahead of the others: a store that parks jobs over their
        // key's concurrency limit (or skips them cheaply) still reaches the others fetch after fetch.
        for (int i = 0; i < 30; i++)
        {
            await EnqueueOneAsync(KeyedJob("busy"));
        }

        NewJob[] others = new NewJob[5];
        for (int i = 0; i < others.Length; i++)
        {
            others[i] = await EnqueueOneAsync(KeyedJob($"other-{i}"));
        }

        var limits = new FetchLimits { ConcurrencyPerKey = 1, MaxSkipped = 10 };
        var leased = new List<StoredJob>();
        for (int fetch = 0; fetch < 6 && leased.Count(j => j.LimitKey != "busy") < others.Length; fetch++)
        {
            leased.AddRange(await FetchLimitedAsync(limits, limit: 1, now: At(1_000 + fetch)));
        }

        leased.Count(j => j.LimitKey == "busy").Should().Be(1);
        leased.Where(j => j.LimitKey != "busy").Select(j => j.Id).Should().BeEquivalentTo(others.Select(o => o.Id),
            "the busy key's 29 waiting jobs never stand in the way of the other keys for good");
    }

    [Fact]
    public async Task FetchAsync_QueueConcurrency_CountsRunningJobsOfEveryFetch()
    {
        for (int i = 0; i < 5; i++)
        {
            await EnqueueOneAsync(Job());
        }

        StoredJob plainLeased = await FetchOneAsync();
        var limits = new FetchLimits { QueueConcurrency = 3 };

        (await FetchLimitedAsync(limits)).Should().HaveCount(2, "one of the three runs already (leased by a fetch without limits)");
        (await FetchLimitedAsync(limits)).Should().BeEmpty();
        await CompleteAsync(plainLeased, At(1_100));
        (await FetchLimitedAsync(limits, now: At(1_200))).Should().ContainSingle();
    }

    [Fact]
    public async Task FetchAsync_QueueRate_SlidingWindowOfThePeriod()
    {
        for (int i = 0; i < 10; i++)
        {
            await EnqueueOneAsync(Job());
        }

        var limits = new FetchLimits { QueueRate = new RateLimit(3, OneSecond) };

        (await FetchLimitedAsync(limits, now: At(1_000))).Should().HaveCount(3);
        (await FetchLimitedAsync(limits, now: At(1_500))).Should().BeEmpty();
        (await FetchLimitedAsync(limits, now: At(1_999))).Should().BeEmpty("the three starts at 1.000 s are within (0.999 s, 1.999 s]");
        (await FetchLimitedAsync(limits, now: At(2_000))).Should().HaveCount(3, "a start leaves the window one period after it");
        (await FetchLimitedAsync(limits, limit: 1, now: At(2_500))).Should().BeEmpty();
        (await FetchLimitedAsync(limits, limit: 1, now: At(3_000))).Should().ContainSingle();
        (await FetchLimitedAsync(limits, now: At(3_000))).Should().HaveCount(2, "the window (2 s, 3 s] holds one start, the one at 3 s");
    }

    [Fact]
    public async Task FetchAsync_NameRate_LimitsThatNameOnly()
    {
        for (int i = 0; i < 4; i++)
        {
            await EnqueueOneAsync(Job(name: "limited"));
            await EnqueueOneAsync(Job(name: "free"));
        }

        IReadOnlyList<StoredJob> leased = await FetchLimitedAsync(new FetchLimits
        {
            Names = [new NameLimits { Name = "limited", Rate = new RateLimit(2, OneSecond) }],
        });

        leased.Count(j => j.Name == "limited").Should().Be(2);
        leased.Count(j => j.Name == "free").Should().Be(4);
    }

    [Fact]
    public async Task FetchAsync_RatePerKey_CountsEachKeyApart()
    {
        NewJob a1 = await EnqueueOneAsync(KeyedJob("a"));
        NewJob a2 = await EnqueueOneAsync(KeyedJob("a"));
        NewJob b1 = await EnqueueOneAsync(KeyedJob("b"));
        NewJob plain = await EnqueueOneAsync(KeyedJob(null));
        var limits = new FetchLimits { RatePerKey = new RateLimit(1, OneSecond) };

        (await FetchLimitedAsync(limits, now: At(1_000))).Select(j => j.Id).Should().Equal(a1.Id, b1.Id, plain.Id);
        (await FetchLimitedAsync(limits, now: At(1_500))).Should().BeEmpty();
        (await FetchLimitedAsync(limits, now: At(2_000))).Select(j => j.Id).Should().Equal(a2.Id);
    }

    [Fact]
    public async Task FetchAsync_Limits_LeaveJobsThatAreNotDueAlone()
    {
        await EnqueueOneAsync(KeyedJob("a", runAt: At(5_000)));

        (await FetchLimitedAsync(new FetchLimits { ConcurrencyPerKey = 1 }, now: At(1_000))).Should().BeEmpty();
        await PromoteAsync(At(5_000));
        (await FetchLimitedAsync(new FetchLimits { ConcurrencyPerKey = 1 }, now: At(5_000))).Should().ContainSingle();
    }

    [Fact]
    public async Task FetchAsync_PausedQueue_LeasesNothingWithLimitsEither()
    {
        await EnqueueOneAsync(KeyedJob("a"));
        await Storage.PauseQueueAsync(new PauseQueueRequest { Queue = DefaultQueue, Now = At(500) }, Ct);

        (await FetchLimitedAsync(new FetchLimits { ConcurrencyPerKey = 1 })).Should().BeEmpty();
    }

    [Fact]
    public async Task HoldAsync_KeyScope_EveryFetchSkipsTheKeyUntilTheHoldEnds()
    {
        NewJob held = await EnqueueOneAsync(KeyedJob("a"));
        NewJob other = await EnqueueOneAsync(KeyedJob("b"));
        await HoldAsync(FlowScope.Key("a"), At(5_000));

        (await FetchAsync(limit: 10, now: At(1_000))).Select(j => j.Id).Should().Equal(other.Id);
        (await FetchAsync(limit: 10, now: At(4_999))).Should().BeEmpty("a fetch without limits applies holds too");
        (await GetRequiredAsync(held.Id)).State.Should().Be(JobState.Enqueued);
        (await FetchAsync(limit: 10, now: At(5_000))).Select(j => j.Id).Should().Equal(held.Id);
    }

    [Fact]
    public async Task HoldAsync_NameScope_HoldsBackThatNameInEveryQueue()
    {
        NewJob held = await EnqueueOneAsync(Job(queue: "q1", name: "partner-call"));
        NewJob heldToo = await EnqueueOneAsync(Job(queue: "q2", name: "partner-call"));
        NewJob other = await EnqueueOneAsync(Job(queue: "q1", name: "other"));
        await HoldAsync(FlowScope.Name("partner-call"), At(5_000));

        (await FetchAsync("q1", limit: 10)).Select(j => j.Id).Should().Equal(other.Id);
        (await FetchLimitedAsync(new FetchLimits { QueueConcurrency = 10 }, "q2")).Should().BeEmpty();
        (await FetchAsync("q1", limit: 10, now: At(6_000))).Select(j => j.Id).Should().Equal(held.Id);
        (await FetchAsync("q2", limit: 10, now: At(6_000))).Select(j => j.Id).Should().Equal(heldToo.Id);
    }

    [Fact]
    public async Task HoldAsync_ScopeHeldAlready_KeepsTheLaterEnd()
    {
        await EnqueueOneAsync(KeyedJob("a"));
        await HoldAsync(FlowScope.Key("a"), At(8_000));
        await HoldAsync(FlowScope.Key("a"), At(3_000));

        (await FetchAsync(limit: 10, now: At(5_000))).Should().BeEmpty("the later end stays");
        FlowState state = await FlowStateAsync(KeyedJob("a"), At(5_000));
        state.HeldUntil.Should().Be(At(8_000));
        (await FetchAsync(limit: 10, now: At(8_000))).Should().ContainSingle();
    }

    [Fact]
    public async Task GetFlowStateAsync_ReadsPauseRunningCountsHoldsAndRateRoom()
    {
        await EnqueueOneAsync(KeyedJob("a"));
        await EnqueueOneAsync(KeyedJob("a"));
        await EnqueueOneAsync(KeyedJob("b"));
        await EnqueueOneAsync(KeyedJob("a", queue: "other"));
        var rate = new RateLimit(2, OneSecond);
        await FetchLimitedAsync(new FetchLimits { QueueRate = rate }, now: At(1_000));
        await FetchLimitedAsync(new FetchLimits { QueueRate = rate }, now: At(1_400));
        (await FetchAsync("other", now: At(1_400))).Should().ContainSingle();
        await HoldAsync(FlowScope.Name("test-job"), At(9_000));

        NewJob probe = KeyedJob("a");
        FlowState state = await Storage.GetFlowStateAsync(
            new FlowStateRequest
            {
                Queue = DefaultQueue,
                Name = probe.Name,
                LimitKey = "a",
                Now = At(1_500),
                Rates =
                [
                    new RateScopeQuery { Scope = FlowScope.Queue(DefaultQueue), Limit = rate },
                    new RateScopeQuery { Scope = FlowScope.Queue(DefaultQueue), Limit = new RateLimit(5, OneSecond) },
                    new RateScopeQuery { Scope = FlowScope.Key("never-started"), Limit = rate },
                ],
            },
            Ct);

        state.QueuePaused.Should().BeFalse();
        state.RunningInQueue.Should().Be(2);
        state.RunningWithKey.Should().Be(3, "two 'a' jobs run in the default queue (the rate let two start) and one in the other");
        state.HeldUntil.Should().Be(At(9_000));
        state.RateRoomAt.Should().Equal(new DateTimeOffset?[] { At(2_000), null, null });

        await Storage.PauseQueueAsync(new PauseQueueRequest { Queue = DefaultQueue, Now = At(1_600) }, Ct);
        (await FlowStateAsync(probe, At(1_700))).QueuePaused.Should().BeTrue();
        (await FlowStateAsync(probe, At(9_000))).HeldUntil.Should().BeNull("a hold that ended is no hold");
    }

    [Fact]
    public async Task FetchAsync_RateStarts_AreRecordedOnlyInTheScopesThatApplied()
    {
        await EnqueueOneAsync(KeyedJob("a"));
        await FetchLimitedAsync(new FetchLimits { ConcurrencyPerKey = 5 }, now: At(1_000));
        var rate = new RateLimit(1, OneSecond);

        FlowState state = await Storage.GetFlowStateAsync(
            new FlowStateRequest
            {
                Queue = DefaultQueue,
                Name = "test-job",
                LimitKey = "a",
                Now = At(1_000),
                Rates =
                [
                    new RateScopeQuery { Scope = FlowScope.Queue(DefaultQueue), Limit = rate },
                    new RateScopeQuery { Scope = FlowScope.Name("test-job"), Limit = rate },
                    new RateScopeQuery { Scope = FlowScope.Key("a"), Limit = rate },
                ],
            },
            Ct);

        state.RateRoomAt.Should().Equal(new DateTimeOffset?[] { null, null, null });
    }

    [Fact]
    public async Task FetchAsync_ParallelFetchesWithLimits_NeverExceedTheLimits()
    {
        for (int i = 0; i < 12; i++)
        {
            await EnqueueOneAsync(KeyedJob(i % 2 == 0 ? "a" : "b"));
        }

        var limits = new FetchLimits { ConcurrencyPerKey = 2, QueueConcurrency = 3 };
        IReadOnlyList<StoredJob>[] results = await Task.WhenAll(
            Enumerable.Range(0, 16).Select(_ => Task.Run(() => FetchLimitedAsync(limits, limit: 2))));

        StoredJob[] leased = results.SelectMany(r => r).ToArray();
        leased.Should().HaveCount(3, "the queue's global limit is 3 and 12 jobs are ready");
        leased.GroupBy(j => j.LimitKey).Should().OnlyContain(g => g.Count() <= 2);
    }

    [Fact]
    public async Task FetchAsync_ParallelFetchesWithARate_NeverExceedIt()
    {
        for (int i = 0; i < 20; i++)
        {
            await EnqueueOneAsync(Job());
        }

        var limits = new FetchLimits { QueueRate = new RateLimit(5, OneSecond) };
        IReadOnlyList<StoredJob>[] results = await Task.WhenAll(
            Enumerable.Range(0, 16).Select(_ => Task.Run(() => FetchLimitedAsync(limits, limit: 2))));

        results.Sum(r => r.Count).Should().Be(5);
    }

    private async Task<FlowState> FlowStateAsync(NewJob job, DateTimeOffset now)
        => await Storage.GetFlowStateAsync(
            new FlowStateRequest { Queue = job.Queue, Name = job.Name, LimitKey = job.LimitKey, Now = now }, Ct);
}
