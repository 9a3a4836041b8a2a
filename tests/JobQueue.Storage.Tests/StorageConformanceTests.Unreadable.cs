namespace JobQueue.Storage.Tests;

/// <summary>
/// The suite for stores that keep jobs as data something else can damage (SQL rows, Redis hashes): the rules of
/// <see cref="StoredJob.Unreadable"/> on top of every other rule. A damaged job is read field by field, described and
/// returned; it never fails a call about other jobs, and never holds its queue up.
/// </summary>
/// <remarks>
/// The in-memory store holds the engine's own objects, which nothing can damage, so it derives from
/// <see cref="StorageConformanceTests"/> directly and these rules do not apply to it. Each test damages a job
/// through <see cref="DamageAsync"/>, the provider's hook, then drives the SPI as the engine would.
/// </remarks>
public abstract class DurableStorageConformanceTests : StorageConformanceTests
{
    /// <summary>Damages a stored job directly in the store, behind the SPI's back.</summary>
    /// <returns>The name the store's reader gives the damaged field in <see cref="StoredJob.Unreadable"/>.</returns>
    protected abstract Task<string> DamageAsync(JobId id, Damage damage);

    [Theory]
    [InlineData(Damage.Errors)]
    [InlineData(Damage.Time)]
    public Task FetchAsync_OneOfTheLeasedJobsDamaged_ReturnsItDescribedAndTheOthersIntact(Damage damage) => FetchBesideOthersAsync(damage);

    [Theory]
    [InlineData(Damage.State)]
    [InlineData(Damage.Errors)]
    [InlineData(Damage.Time)]
    public Task GetJobsAndQueryJobs_JobDamaged_ReturnItDescribedBesideTheOthers(Damage damage) => ReadBesideOthersAsync(damage);

    [Theory]
    [InlineData(Damage.Errors)]
    [InlineData(Damage.Time)]
    public Task RescueExpiredLeasesAsync_ExpiredJobDamaged_RescuesItWithTheOthers(Damage damage) => RescueBesideOthersAsync(damage);

    [Fact]
    public async Task FetchAsync_JobWithUnknownState_LeasesTheOthersAndShowsItFailed()
    {
        NewJob first = await EnqueueOneAsync(Job());
        NewJob damaged = await EnqueueOneAsync(Job());
        NewJob last = await EnqueueOneAsync(Job());
        string field = await DamageAsync(damaged.Id, Damage.State);

        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3);
        StoredJob shown = await GetRequiredAsync(damaged.Id);
        CancelOutcome cancelled = await CancelAsync(damaged.Id, At(2_000));
        IReadOnlyList<QueueStatistics> statistics = await Storage.GetQueueStatisticsAsync(Ct);

        leased.Select(j => j.Id).Should().Equal(first.Id, last.Id);
        leased.Should().OnlyContain(j => j.Unreadable == null);

        // Nothing moves a job whose state is unknown, so it is shown as finished: Failed, saying why.
        shown.State.Should().Be(JobState.Failed);
        shown.Unreadable.Should().Contain(field).And.Contain("9");
        cancelled.Should().Be(CancelOutcome.AlreadyFinished);
        QueueStatistics queue = statistics.Should().ContainSingle().Subject;
        (queue.Scheduled + queue.Enqueued + queue.Running + queue.Succeeded + queue.Failed + queue.Cancelled + queue.Awaiting)
            .Should().Be(3, "the damaged job is counted, and counting it does not fail the call");
    }

    /// <summary>
    /// Three jobs, the middle one damaged, leased by one fetch: all three come back, the damaged one described and
    /// with what the engine needs to fail it (its id and the fetch's lease token), the others as they were. The
    /// engine's writes then apply to each, the damaged one failed for good under its lease.
    /// </summary>
    protected async Task FetchBesideOthersAsync(Damage damage)
    {
        NewJob first = await EnqueueOneAsync(Job());
        NewJob damaged = await EnqueueOneAsync(Job());
        NewJob last = await EnqueueOneAsync(Job());
        string field = await DamageAsync(damaged.Id, damage);
        Guid token = Guid.NewGuid();

        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3, token: token);
        bool completedFirst = await CompleteAsync(leased[0], At(2_000));
        bool completedLast = await CompleteAsync(leased[2], At(2_000));
        bool failed = await FailAsync(leased[1], At(2_000), message: "unreadable");
        StoredJob afterwards = await GetRequiredAsync(damaged.Id);

        leased.Select(j => j.Id).Should().Equal(first.Id, damaged.Id, last.Id);
        leased.Should().OnlyContain(j => j.State == JobState.Running && j.LeaseToken == token);
        leased[0].Unreadable.Should().BeNull();
        leased[0].Attempt.Should().Be(1);
        leased[2].Unreadable.Should().BeNull();
        leased[2].Attempt.Should().Be(1);
        leased[1].Unreadable.Should().Contain(field);
        completedFirst.Should().BeTrue();
        completedLast.Should().BeTrue();
        failed.Should().BeTrue("the damaged job's lease is held like any other");
        afterwards.State.Should().Be(JobState.Failed);
        afterwards.Errors.Should().NotBeEmpty().And.Subject.Last().Message.Should().Be("unreadable");
    }

    /// <summary>A damaged job read by id and listed, beside an intact one: both come back, each as it is.</summary>
    protected async Task ReadBesideOthersAsync(Damage damage)
    {
        NewJob intact = await EnqueueOneAsync(Job());
        NewJob damaged = await EnqueueOneAsync(Job());
        string field = await DamageAsync(damaged.Id, damage);

        IReadOnlyList<StoredJob?> read = await Storage.GetJobsAsync([intact.Id, damaged.Id], Ct);
        IReadOnlyList<StoredJob> listed = (await Storage.QueryJobsAsync(new JobQuery { Limit = 100, CountLimit = 0 }, Ct)).Jobs;

        read[0]!.Unreadable.Should().BeNull();
        read[0]!.Name.Should().Be(intact.Name);
        read[1]!.Id.Should().Be(damaged.Id);
        read[1]!.Unreadable.Should().Contain(field);
        read[1]!.Name.Should().Be(damaged.Name, "the fields that read keep their values");
        listed.Select(j => j.Id).Should().Equal(damaged.Id, intact.Id);
        listed[0].Unreadable.Should().Contain(field);
        listed[1].Unreadable.Should().BeNull();
    }

    /// <summary>Two leases expire, one of them on a job damaged while it ran: one rescue returns both to work.</summary>
    protected async Task RescueBesideOthersAsync(Damage damage)
    {
        NewJob intact = await EnqueueOneAsync(Job());
        NewJob damaged = await EnqueueOneAsync(Job());
        await FetchAsync(limit: 2, now: At(1_000), leaseExpiresAt: At(2_000));
        await DamageAsync(damaged.Id, damage);

        IReadOnlyList<JobId> rescued = await RescueAsync(At(2_000));
        IReadOnlyList<StoredJob> ready = await FetchAsync(limit: 2, now: At(3_000));

        rescued.Should().BeEquivalentTo([intact.Id, damaged.Id]);
        ready.Select(j => j.Id).Should().BeEquivalentTo([intact.Id, damaged.Id]);
    }
}

/// <summary>
/// The durable suite for stores that keep ids as text (SQLite, Redis), which can therefore hold an id, a batch id or
/// a lease token that is none. PostgreSQL types them as uuid, so it derives from
/// <see cref="DurableStorageConformanceTests"/> directly and these rules do not apply to it.
/// </summary>
public abstract class TextIdStorageConformanceTests : DurableStorageConformanceTests
{
    [Fact]
    public Task FetchAsync_LeasedJobWithDamagedBatchId_ReturnsItDescribedAndTheOthersIntact() => FetchBesideOthersAsync(Damage.BatchId);

    [Fact]
    public Task GetJobsAndQueryJobs_JobWithDamagedBatchId_ReturnItDescribedBesideTheOthers() => ReadBesideOthersAsync(Damage.BatchId);

    [Fact]
    public async Task RescueExpiredLeasesAsync_RunningJobWithDamagedLeaseToken_DescribesItAndRescuesItWithTheOthers()
    {
        NewJob intact = await EnqueueOneAsync(Job());
        NewJob damaged = await EnqueueOneAsync(Job());
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 2, now: At(1_000), leaseExpiresAt: At(2_000));
        string field = await DamageAsync(damaged.Id, Damage.LeaseToken);

        StoredJob running = await GetRequiredAsync(damaged.Id);
        bool completed = await CompleteAsync(leased[1], At(1_500));
        IReadOnlyList<JobId> rescued = await RescueAsync(At(2_000));
        StoredJob afterwards = await GetRequiredAsync(damaged.Id);

        running.Unreadable.Should().Contain(field);
        running.LeaseToken.Should().BeNull();
        completed.Should().BeFalse("the lease the write names is not the one stored");
        rescued.Should().BeEquivalentTo([intact.Id, damaged.Id]);
        afterwards.State.Should().Be(JobState.Enqueued);
        afterwards.Unreadable.Should().BeNull("the rescue cleared the damaged lease");
    }

    [Fact]
    public async Task FetchAsync_JobWhoseIdDoesNotRead_FailsItForGoodCountingItsBatchAndLeasesTheOthers()
    {
        (BatchId batchId, NewJob[] children, _, NewJob failure) = await EnqueueBatchAsync(children: 3);
        await DamageAsync(children[1].Id, Damage.Id);

        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3);
        IReadOnlyList<StoredJob> listed = (await Storage.QueryJobsAsync(new JobQuery { BatchId = batchId, Limit = 100, CountLimit = 0 }, Ct)).Jobs;
        StoredBatch batch = await GetBatchRequiredAsync(batchId);
        StoredJob onFailure = await GetRequiredAsync(failure.Id);

        // Nothing could name it in a later call, so the store failed it itself, in the fetch.
        leased.Select(j => j.Id).Should().Equal(children[0].Id, children[2].Id);
        StoredJob unnamed = listed.Should().ContainSingle(j => j.Id == default(JobId)).Subject;
        unnamed.State.Should().Be(JobState.Failed);
        unnamed.Unreadable.Should().StartWith("id: ");
        JobError error = unnamed.Errors.Should().ContainSingle().Subject;
        error.Type.Should().Be(typeof(UnreadableJobException).FullName);
        error.Message.Should().Contain("id: ");
        batch.Failed.Should().Be(1);
        batch.State.Should().Be(BatchState.Failed);
        onFailure.State.Should().Be(JobState.Enqueued, "the batch's first failure releases its failure callback");
    }
}
