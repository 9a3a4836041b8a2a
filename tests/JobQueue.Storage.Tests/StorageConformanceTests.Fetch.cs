using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task FetchAsync_EnqueuedJob_LeasesWithTokenExpiryAndFirstAttempt()
    {
        NewJob job = await EnqueueOneAsync(Job());
        Guid token = Guid.NewGuid();

        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(
            new FetchRequest { Queue = DefaultQueue, Limit = 5, Now = At(1_000), LeaseToken = token, LeaseExpiresAt = At(31_000), WorkerId = "host-a:42" },
            Ct);

        leased.Should().ContainSingle();
        StoredJob returned = leased[0];
        StoredJob stored = await GetRequiredAsync(job.Id);
        foreach (StoredJob j in new[] { returned, stored })
        {
            j.Id.Should().Be(job.Id);
            j.State.Should().Be(JobState.Running);
            j.Attempt.Should().Be(1);
            j.StartedAt.Should().Be(At(1_000));
            j.LeaseToken.Should().Be(token);
            j.LeaseExpiresAt.Should().Be(At(31_000));
            j.WorkerId.Should().Be("host-a:42");
            j.Arguments.Should().Equal(job.Arguments);
        }
    }

    [Fact]
    public async Task FetchAsync_EmptyStore_ReturnsNothing()
    {
        (await FetchAsync(limit: 10)).Should().BeEmpty();
    }

    [Fact]
    public async Task FetchAsync_OtherQueue_LeasesNothing()
    {
        await EnqueueOneAsync(Job(queue: "a"));

        (await FetchAsync("b", limit: 10)).Should().BeEmpty();
        (await FetchAsync("a", limit: 10)).Should().ContainSingle();
    }

    [Fact]
    public async Task FetchAsync_ScheduledJob_IsNotLeased()
    {
        await EnqueueOneAsync(Job(runAt: At(10_000)));

        (await FetchAsync(limit: 10, now: At(20_000))).Should().BeEmpty("a Scheduled job runs only after promotion");
    }

    [Fact]
    public async Task FetchAsync_NowBeforeAPromotedJobsRunTime_LeavesThatJobForALaterFetch()
    {
        // A worker takes its fetch's now, then may wait on a busy machine while maintenance promotes jobs with a
        // later now: no job may start before its run time, even in a higher priority.
        NewJob due = await EnqueueOneAsync(Job(runAt: At(5_000)));
        NewJob notYet = await EnqueueOneAsync(Job(runAt: At(10_000), priority: 5));
        (await PromoteAsync(At(10_000))).Should().Be(2);

        (await FetchAsync(limit: 10, now: At(7_000))).Select(j => j.Id).Should().Equal(due.Id);
        StoredJob later = await FetchOneAsync(now: At(10_000));

        later.Id.Should().Be(notYet.Id);
        later.StartedAt.Should().Be(At(10_000));
    }

    [Fact]
    public async Task FetchAsync_LeasedJob_IsNotLeasedAgain()
    {
        await EnqueueOneAsync(Job());
        await FetchOneAsync();

        (await FetchAsync(limit: 10)).Should().BeEmpty();
    }

    [Fact]
    public async Task FetchAsync_Limit_LeasesAtMostLimitInOrder()
    {
        NewJob[] jobs = Enumerable.Range(0, 5).Select(_ => Job()).ToArray();
        await EnqueueAsync(jobs);

        IReadOnlyList<StoredJob> first = await FetchAsync(limit: 3);
        IReadOnlyList<StoredJob> second = await FetchAsync(limit: 3);
        IReadOnlyList<StoredJob> third = await FetchAsync(limit: 3);

        first.Select(j => j.Id).Should().Equal(jobs.Take(3).Select(j => j.Id));
        second.Select(j => j.Id).Should().Equal(jobs.Skip(3).Select(j => j.Id));
        third.Should().BeEmpty();
    }

    [Fact]
    public async Task FetchAsync_DifferentPriorities_HigherPriorityFirst()
    {
        NewJob low = Job(priority: -1);
        NewJob normal = Job(priority: 0);
        NewJob high = Job(priority: 10);
        await EnqueueAsync(low, normal);
        await EnqueueAsync(At(1), high);

        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3);

        leased.Select(j => j.Id).Should().Equal(high.Id, normal.Id, low.Id);
    }

    [Fact]
    public async Task FetchAsync_SamePriority_EarlierRunTimeFirst()
    {
        NewJob later = Job(runAt: At(-100));
        NewJob earlier = Job(runAt: At(-200));
        NewJob earliestButLowPriority = Job(runAt: At(-300), priority: -5);
        await EnqueueAsync(later, earlier, earliestButLowPriority);

        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3);

        leased.Select(j => j.Id).Should().Equal(earlier.Id, later.Id, earliestButLowPriority.Id);
    }

    [Fact]
    public async Task FetchAsync_SamePriorityAndRunTime_EnqueueOrder()
    {
        // Ids are random here, so only the store's own enqueue order can explain the expected order.
        NewJob[] first = Enumerable.Range(0, 4).Select(_ => Job() with { Id = new JobId(Guid.NewGuid()) }).ToArray();
        NewJob[] second = Enumerable.Range(0, 4).Select(_ => Job() with { Id = new JobId(Guid.NewGuid()) }).ToArray();
        await EnqueueAsync(first);
        await EnqueueAsync(second);

        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 8);

        leased.Select(j => j.Id).Should().Equal(first.Concat(second).Select(j => j.Id));
    }

    [Fact]
    public async Task FetchAsync_PromotedAndRetriedJobs_OrderedByRunTime()
    {
        NewJob retried = await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(100));
        (await FailAsync(leased, At(200), retryAt: At(150))).Should().BeTrue();
        NewJob scheduled = await EnqueueOneAsync(Job(runAt: At(120)), At(110));
        NewJob fresh = await EnqueueOneAsync(Job(runAt: At(300)), At(300));
        (await PromoteAsync(At(300))).Should().Be(1);

        IReadOnlyList<StoredJob> order = await FetchAsync(limit: 3, now: At(400));

        order.Select(j => j.Id).Should().Equal(scheduled.Id, retried.Id, fresh.Id);
    }

    [Fact]
    public async Task ExtendLeasesAsync_CurrentToken_MovesExpiry()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(leaseExpiresAt: At(30_000));

        bool extended = await ExtendAsync(leased, At(90_000));

        extended.Should().BeTrue();
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.LeaseExpiresAt.Should().Be(At(90_000));
        stored.LeaseToken.Should().Be(leased.LeaseToken);
        stored.State.Should().Be(JobState.Running);
    }

    [Fact]
    public async Task ExtendLeasesAsync_ExtendedLease_IsNotRescuedAtOldExpiry()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(leaseExpiresAt: At(30_000));
        await ExtendAsync(leased, At(90_000));

        (await RescueAsync(At(60_000))).Should().BeEmpty();
        (await RescueAsync(At(90_000))).Should().Equal(leased.Id);
    }

    [Fact]
    public async Task ExtendLeasesAsync_WrongTokenOrUnknownOrNotRunning_RefusedPerItem()
    {
        NewJob waiting = Job(queue: "idle");
        await EnqueueAsync(Job(), waiting);
        StoredJob leased = await FetchOneAsync(leaseExpiresAt: At(30_000));

        IReadOnlyList<bool> results = await Storage.ExtendLeasesAsync(
            [
                new LeaseExtension { Id = leased.Id, LeaseToken = Guid.NewGuid(), ExpiresAt = At(90_000) },
                new LeaseExtension { Id = JobId.New(), LeaseToken = leased.LeaseToken!.Value, ExpiresAt = At(90_000) },
                new LeaseExtension { Id = waiting.Id, LeaseToken = leased.LeaseToken!.Value, ExpiresAt = At(90_000) },
                new LeaseExtension { Id = leased.Id, LeaseToken = leased.LeaseToken!.Value, ExpiresAt = At(60_000) },
            ],
            Ct);

        results.Should().Equal(false, false, false, true);
        (await GetRequiredAsync(leased.Id)).LeaseExpiresAt.Should().Be(At(60_000));
        (await GetRequiredAsync(waiting.Id)).LeaseExpiresAt.Should().BeNull();
    }
}
