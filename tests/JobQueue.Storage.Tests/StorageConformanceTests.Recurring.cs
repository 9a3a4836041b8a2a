using System.Text;
using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

// Recurring jobs: the schedules as data, and the claim that enqueues each occurrence once however many hosts race.
public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task UpsertRecurringJobsAsync_NewSchedule_CreatedWithItsDefinitionNotPausedAtVersionOne()
    {
        RecurringJobDefinition definition = Definition("nightly", nextRunAt: At(60_000)) with
        {
            Queue = "exports",
            Priority = 7,
            Misfire = MisfirePolicy.RunAll,
            MaxCatchUp = 5,
            Overlap = OverlapPolicy.Skip,
        };

        (await UpsertAsync(At(10), declared: true, definition)).Should().Equal(RecurringUpsertOutcome.Created);

        StoredRecurringJob stored = await GetScheduleAsync("nightly");
        stored.Should().BeEquivalentTo(new
        {
            Id = "nightly",
            Name = "export",
            Cron = "0 2 * * *",
            TimeZone = "Europe/Berlin",
            Queue = "exports",
            Priority = 7,
            Misfire = MisfirePolicy.RunAll,
            MaxCatchUp = 5,
            Overlap = OverlapPolicy.Skip,
            Paused = false,
            NextRunAt = At(60_000),
            Version = 1L,
            LastRunAt = (DateTimeOffset?)null,
            LastJobId = (JobId?)null,
            LastSkippedAt = (DateTimeOffset?)null,
            DeclaredAt = (DateTimeOffset?)At(10),
            CreatedAt = At(10),
            UpdatedAt = At(10),
        });
        stored.Arguments.Should().Equal(definition.Arguments);
    }

    [Fact]
    public async Task UpsertRecurringJobsAsync_SameDefinition_UnchangedButDeclarationRenewed()
    {
        await UpsertAsync(At(10), declared: true, Definition("a", nextRunAt: At(60_000)));

        // The next run time of an unchanged schedule is the stored one, not the request's.
        (await UpsertAsync(At(20), declared: true, Definition("a", nextRunAt: At(90_000)))).Should().Equal(RecurringUpsertOutcome.Unchanged);

        StoredRecurringJob stored = await GetScheduleAsync("a");
        stored.Version.Should().Be(1);
        stored.NextRunAt.Should().Be(At(60_000));
        stored.UpdatedAt.Should().Be(At(10));
        stored.DeclaredAt.Should().Be(At(20));
    }

    [Fact]
    public async Task UpsertRecurringJobsAsync_ChangedArguments_UpdatedInPlaceKeepingNextRunTime()
    {
        await UpsertAsync(At(10), declared: true, Definition("a", nextRunAt: At(60_000)));

        RecurringJobDefinition changed = Definition("a", nextRunAt: At(90_000), arguments: "{\"n\":2}") with { Queue = "other", Priority = 3 };
        (await UpsertAsync(At(20), declared: true, changed)).Should().Equal(RecurringUpsertOutcome.Updated);

        StoredRecurringJob stored = await GetScheduleAsync("a");
        stored.Version.Should().Be(2);
        stored.NextRunAt.Should().Be(At(60_000), "only a new cron or time zone moves the next run time");
        Encoding.UTF8.GetString(stored.Arguments).Should().Be("{\"n\":2}");
        stored.Queue.Should().Be("other");
        stored.Priority.Should().Be(3);
        stored.UpdatedAt.Should().Be(At(20));
        stored.CreatedAt.Should().Be(At(10));

        // Back to the job type's queue and priority: null is stored as null.
        (await UpsertAsync(At(30), declared: true, Definition("a", nextRunAt: At(90_000)))).Should().Equal(RecurringUpsertOutcome.Updated);
        StoredRecurringJob reverted = await GetScheduleAsync("a");
        reverted.Queue.Should().BeNull();
        reverted.Priority.Should().BeNull();
        reverted.Version.Should().Be(3);
    }

    [Theory]
    [InlineData("*/5 * * * *", "Europe/Berlin")]
    [InlineData("0 2 * * *", "America/New_York")]
    public async Task UpsertRecurringJobsAsync_ChangedCronOrTimeZone_RestartsAtTheNewNextRunTime(string cron, string timeZone)
    {
        await UpsertAsync(At(10), declared: true, Definition("a", nextRunAt: At(60_000)));

        (await UpsertAsync(At(20), declared: true, Definition("a", nextRunAt: At(5_000)) with { Cron = cron, TimeZone = timeZone }))
            .Should().Equal(RecurringUpsertOutcome.Updated);

        StoredRecurringJob stored = await GetScheduleAsync("a");
        stored.NextRunAt.Should().Be(At(5_000));
        stored.Cron.Should().Be(cron);
        stored.TimeZone.Should().Be(timeZone);
        (await DueAsync(At(5_000))).Jobs.Select(j => j.Id).Should().Equal("a");
    }

    [Fact]
    public async Task UpsertRecurringJobsAsync_ManagedAtRunTime_ClearsTheDeclaration()
    {
        await UpsertAsync(At(10), declared: true, Definition("a", nextRunAt: At(60_000)));

        (await UpsertAsync(At(20), declared: false, Definition("a", nextRunAt: At(60_000)))).Should().Equal(RecurringUpsertOutcome.Unchanged);

        (await GetScheduleAsync("a")).DeclaredAt.Should().BeNull();
        (await PruneSchedulesAsync(At(1_000_000))).Should().BeEmpty("a schedule managed at run time is never pruned");
    }

    [Fact]
    public async Task UpsertRecurringJobsAsync_PausedSchedule_StaysPausedWithItsLastJob()
    {
        await UpsertAsync(At(10), declared: false, Definition("a", nextRunAt: At(100)));
        NewJob job = Job(runAt: At(100));
        (await ClaimAsync(At(100), Claim("a", 1, At(100), At(200), job))).Should().Equal(RecurringClaimOutcome.Claimed);
        (await PauseAsync("a", paused: true, At(150))).Should().BeTrue();

        (await UpsertAsync(At(160), declared: false, Definition("a", nextRunAt: At(500)) with { Cron = "*/2 * * * *" }))
            .Should().Equal(RecurringUpsertOutcome.Updated);

        StoredRecurringJob stored = await GetScheduleAsync("a");
        stored.Paused.Should().BeTrue();
        stored.LastJobId.Should().Be(job.Id);
        stored.LastRunAt.Should().Be(At(100));
        stored.Version.Should().Be(3);
        (await DueAsync(At(10_000))).Jobs.Should().BeEmpty("a paused schedule is never due");
    }

    [Fact]
    public async Task RemoveRecurringJobAsync_DeletesTheScheduleButNotItsJobs()
    {
        await UpsertAsync(At(10), declared: true, Definition("a", nextRunAt: At(100)));
        NewJob job = Job(runAt: At(100));
        await ClaimAsync(At(100), Claim("a", 1, At(100), At(200), job));

        (await Storage.RemoveRecurringJobAsync("a", Ct)).Should().BeTrue();
        (await Storage.RemoveRecurringJobAsync("a", Ct)).Should().BeFalse();

        (await Storage.GetRecurringJobsAsync(new RecurringJobQuery(), Ct)).Should().BeEmpty();
        (await DueAsync(At(10_000))).Should().BeEquivalentTo(new RecurringDueJobs { Jobs = [], NextDueAt = null });
        (await GetRequiredAsync(job.Id)).State.Should().Be(JobState.Enqueued);
        (await ClaimAsync(At(200), Claim("a", 1, At(200), At(300), Job(runAt: At(200))))).Should().Equal(RecurringClaimOutcome.Conflict);
    }

    [Fact]
    public async Task SetRecurringJobPausedAsync_PauseAndResume_ChangeStateVersionAndNextRunTime()
    {
        await UpsertAsync(At(10), declared: false, Definition("a", nextRunAt: At(100)));

        (await PauseAsync("a", paused: true, At(20))).Should().BeTrue();
        (await PauseAsync("a", paused: true, At(30))).Should().BeTrue("asking for the state it has changes nothing");
        StoredRecurringJob paused = await GetScheduleAsync("a");
        paused.Paused.Should().BeTrue();
        paused.Version.Should().Be(2);
        paused.UpdatedAt.Should().Be(At(20));
        paused.NextRunAt.Should().Be(At(100), "a pause keeps the next run time");
        (await DueAsync(At(1_000))).Should().BeEquivalentTo(new RecurringDueJobs { Jobs = [], NextDueAt = null });

        (await PauseAsync("a", paused: false, At(40), nextRunAt: At(5_000))).Should().BeTrue();
        StoredRecurringJob resumed = await GetScheduleAsync("a");
        resumed.Paused.Should().BeFalse();
        resumed.Version.Should().Be(3);
        resumed.NextRunAt.Should().Be(At(5_000));
        (await DueAsync(At(1_000))).NextDueAt.Should().Be(At(5_000));

        (await PauseAsync("missing", paused: true, At(50))).Should().BeFalse();
    }

    [Fact]
    public async Task GetRecurringJobsAsync_EveryScheduleInOrdinalIdOrder_OrTheOneNamed()
    {
        string[] ids = ["b", "a:b c", "B", "a", "{x}:y"];
        await UpsertAsync(At(10), declared: false, [.. ids.Select(id => Definition(id, nextRunAt: At(100)))]);

        (await Storage.GetRecurringJobsAsync(new RecurringJobQuery(), Ct)).Select(j => j.Id)
            .Should().Equal(ids.Order(StringComparer.Ordinal));
        (await Storage.GetRecurringJobsAsync(new RecurringJobQuery { Id = "a:b c" }, Ct)).Select(j => j.Id).Should().Equal("a:b c");
        (await Storage.GetRecurringJobsAsync(new RecurringJobQuery { Id = "A" }, Ct)).Should().BeEmpty("ids compare ordinally");
    }

    [Fact]
    public async Task GetDueRecurringJobsAsync_DueSchedulesByIdInPages_AndTheEarliestLaterOne()
    {
        await UpsertAsync(
            At(10),
            declared: false,
            Definition("d3", nextRunAt: At(300)),
            Definition("d1", nextRunAt: At(100)),
            Definition("d2", nextRunAt: At(1_000)),
            Definition("later", nextRunAt: At(1_001)),
            Definition("latest", nextRunAt: At(9_000)),
            Definition("paused", nextRunAt: At(50)),
            Definition("paused-later", nextRunAt: At(1_000)));
        await PauseAsync("paused", paused: true, At(20));
        await PauseAsync("paused-later", paused: true, At(20));

        RecurringDueJobs first = await DueAsync(At(1_000), limit: 2);
        first.Jobs.Select(j => j.Id).Should().Equal("d1", "d2");
        first.NextDueAt.Should().Be(At(1_001));

        RecurringDueJobs second = await DueAsync(At(1_000), limit: 2, afterId: "d2");
        second.Jobs.Select(j => j.Id).Should().Equal("d3");
        second.Jobs[0].NextRunAt.Should().Be(At(300));
        second.NextDueAt.Should().Be(At(1_001));

        (await DueAsync(At(99))).Should().BeEquivalentTo(new RecurringDueJobs { Jobs = [], NextDueAt = At(100) });
    }

    [Fact]
    public async Task ClaimRecurringOccurrencesAsync_WritesTheJobsMovesTheScheduleAndRecordsTheLastJob()
    {
        await UpsertAsync(At(10), declared: false, Definition("a", nextRunAt: At(100)));
        NewJob due = Job(runAt: At(100));
        NewJob later = Job(runAt: At(2_000));

        (await ClaimAsync(At(1_000), Claim("a", 1, At(100), At(3_000), due, later))).Should().Equal(RecurringClaimOutcome.Claimed);

        (await GetRequiredAsync(due.Id)).State.Should().Be(JobState.Enqueued);
        StoredJob scheduled = await GetRequiredAsync(later.Id);
        scheduled.State.Should().Be(JobState.Scheduled, "a job due after now is stored Scheduled");
        scheduled.RunAt.Should().Be(At(2_000));
        StoredRecurringJob stored = await GetScheduleAsync("a");
        stored.NextRunAt.Should().Be(At(3_000));
        stored.Version.Should().Be(1, "a claim is not a change of the definition");
        stored.LastJobId.Should().Be(later.Id);
        stored.LastRunAt.Should().Be(At(2_000));
        (await FetchOneAsync(now: At(1_000))).Id.Should().Be(due.Id);
    }

    [Fact]
    public async Task ClaimRecurringOccurrencesAsync_SameOccurrenceAgain_ConflictAndNothingWritten()
    {
        await UpsertAsync(At(10), declared: false, Definition("a", nextRunAt: At(100)));
        await ClaimAsync(At(100), Claim("a", 1, At(100), At(200), Job(runAt: At(100))));
        NewJob duplicate = Job(runAt: At(100));

        (await ClaimAsync(At(150), Claim("a", 1, At(100), At(200), duplicate))).Should().Equal(RecurringClaimOutcome.Conflict);

        (await GetAsync(duplicate.Id)).Should().BeNull();
        (await GetScheduleAsync("a")).NextRunAt.Should().Be(At(200));
    }

    [Fact]
    public async Task ClaimRecurringOccurrencesAsync_StaleVersionPausedOrMissing_Conflict()
    {
        await UpsertAsync(At(10), declared: false, Definition("changed", nextRunAt: At(100)), Definition("paused", nextRunAt: At(100)));
        await UpsertAsync(At(20), declared: false, Definition("changed", nextRunAt: At(100), arguments: "{\"n\":9}"));
        await PauseAsync("paused", paused: true, At(30));
        NewJob[] jobs = [Job(runAt: At(100)), Job(runAt: At(100)), Job(runAt: At(100))];

        IReadOnlyList<RecurringClaimOutcome> outcomes = await ClaimAsync(
            At(100),
            Claim("changed", 1, At(100), At(200), jobs[0]),
            Claim("paused", 2, At(100), At(200), jobs[1]),
            Claim("missing", 1, At(100), At(200), jobs[2]));

        outcomes.Should().Equal(RecurringClaimOutcome.Conflict, RecurringClaimOutcome.Conflict, RecurringClaimOutcome.Conflict);
        foreach (NewJob job in jobs)
        {
            (await GetAsync(job.Id)).Should().BeNull();
        }

        (await GetScheduleAsync("changed")).NextRunAt.Should().Be(At(100));
    }

    [Fact]
    public async Task ClaimRecurringOccurrencesAsync_ConcurrentClaimsOfOneOccurrence_ExactlyOneApplies()
    {
        const int Hosts = 8;
        const int Occurrences = 10;
        await UpsertAsync(At(10), declared: false, Definition("a", nextRunAt: At(1_000)));

        // Every claimer holds an open connection first (a pooled store), so the claims of a round really overlap.
        await Task.WhenAll(Enumerable.Range(0, Hosts).Select(async _ =>
        {
            await Task.Yield();
            await Storage.GetRecurringJobsAsync(new RecurringJobQuery { Id = "a" }, Ct);
        }));

        var claimed = new List<int>();
        for (int round = 1; round <= Occurrences; round++)
        {
            DateTimeOffset occurrence = At(round * 1_000);
            RecurringClaimOutcome[][] outcomes = await Task.WhenAll(Enumerable.Range(0, Hosts).Select(async _ =>
            {
                await Task.Yield();
                return (await ClaimAsync(occurrence, Claim("a", 1, occurrence, At((round + 1) * 1_000), Job(runAt: occurrence)))).ToArray();
            }));
            claimed.Add(outcomes.SelectMany(o => o).Count(o => o == RecurringClaimOutcome.Claimed));
            outcomes.SelectMany(o => o).Should().OnlyContain(o => o == RecurringClaimOutcome.Claimed || o == RecurringClaimOutcome.Conflict);
        }

        claimed.Should().OnlyContain(c => c == 1, "of the claims of one occurrence exactly one applies");
        IReadOnlyList<StoredJob> jobs = (await Storage.QueryJobsAsync(new JobQuery { Queue = DefaultQueue, Limit = 100, CountLimit = 0 }, Ct)).Jobs;
        jobs.Select(j => j.RunAt).Should().BeEquivalentTo(Enumerable.Range(1, Occurrences).Select(r => At(r * 1_000)));
        (await GetScheduleAsync("a")).NextRunAt.Should().Be(At((Occurrences + 1) * 1_000));
    }

    [Fact]
    public async Task ClaimRecurringOccurrencesAsync_OverlapSkipWhileTheLastJobRuns_MovesOnWithoutAJob()
    {
        await UpsertAsync(At(10), declared: false, Definition("a", nextRunAt: At(100)) with { Overlap = OverlapPolicy.Skip });
        NewJob first = Job(runAt: At(100));
        (await ClaimAsync(At(100), Claim("a", 1, At(100), At(200), first, skipIfUnfinished: true))).Should().Equal(RecurringClaimOutcome.Claimed);
        StoredJob running = await FetchOneAsync(now: At(150));
        NewJob second = Job(runAt: At(200));

        (await ClaimAsync(At(200), Claim("a", 1, At(200), At(300), second, skipIfUnfinished: true))).Should().Equal(RecurringClaimOutcome.SkippedOverlap);

        (await GetAsync(second.Id)).Should().BeNull();
        StoredRecurringJob skipped = await GetScheduleAsync("a");
        skipped.NextRunAt.Should().Be(At(300));
        skipped.LastSkippedAt.Should().Be(At(200));
        skipped.LastJobId.Should().Be(first.Id);

        await CompleteAsync(running, At(250));
        NewJob third = Job(runAt: At(300));
        (await ClaimAsync(At(300), Claim("a", 1, At(300), At(400), third, skipIfUnfinished: true))).Should().Equal(RecurringClaimOutcome.Claimed);
        (await GetRequiredAsync(third.Id)).State.Should().Be(JobState.Enqueued);
        (await GetScheduleAsync("a")).LastJobId.Should().Be(third.Id);
    }

    [Fact]
    public async Task ClaimRecurringOccurrencesAsync_OverlapSkipWhenTheLastJobIsGone_Claims()
    {
        await UpsertAsync(At(10), declared: false, Definition("a", nextRunAt: At(100)));
        NewJob first = Job(runAt: At(100));
        await ClaimAsync(At(100), Claim("a", 1, At(100), At(200), first));
        await CancelAsync(first.Id, At(150));
        NewJob second = Job(runAt: At(200));

        (await ClaimAsync(At(200), Claim("a", 1, At(200), At(300), second, skipIfUnfinished: true))).Should().Equal(RecurringClaimOutcome.Claimed);
        (await GetRequiredAsync(second.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task ClaimRecurringOccurrencesAsync_NoJobs_MovesTheScheduleAndRecordsTheDroppedOccurrence()
    {
        await UpsertAsync(At(10), declared: false, Definition("a", nextRunAt: At(100)));

        RecurringClaim claim = new()
        {
            Id = "a",
            Version = 1,
            NextRunAt = At(100),
            NewNextRunAt = At(5_000),
            Jobs = [],
            SkippedAt = At(4_000),
        };
        (await Storage.ClaimRecurringOccurrencesAsync(new RecurringClaimRequest { Claims = [claim], Now = At(4_500) }, Ct))
            .Should().Equal(RecurringClaimOutcome.Claimed);

        StoredRecurringJob stored = await GetScheduleAsync("a");
        stored.NextRunAt.Should().Be(At(5_000));
        stored.LastSkippedAt.Should().Be(At(4_000));
        stored.LastJobId.Should().BeNull();
        (await Storage.QueryJobsAsync(new JobQuery { Limit = 100, CountLimit = 0 }, Ct)).Jobs.Should().BeEmpty();
    }

    [Fact]
    public async Task TriggerRecurringJobAsync_WritesAJobWithoutMovingTheSchedule()
    {
        await UpsertAsync(At(10), declared: false, Definition("a", nextRunAt: At(60_000)));
        NewJob now = Job(runAt: At(500));

        (await Storage.TriggerRecurringJobAsync(new RecurringTriggerRequest { Id = "a", Job = now, Now = At(500) }, Ct)).Should().BeTrue();

        (await GetRequiredAsync(now.Id)).State.Should().Be(JobState.Enqueued);
        StoredRecurringJob stored = await GetScheduleAsync("a");
        stored.NextRunAt.Should().Be(At(60_000));
        stored.Version.Should().Be(1);
        stored.LastJobId.Should().Be(now.Id);
        stored.LastRunAt.Should().Be(At(500));

        NewJob orphan = Job(runAt: At(500));
        (await Storage.TriggerRecurringJobAsync(new RecurringTriggerRequest { Id = "missing", Job = orphan, Now = At(500) }, Ct)).Should().BeFalse();
        (await GetAsync(orphan.Id)).Should().BeNull();
    }

    [Fact]
    public async Task DeclareRecurringJobsAsync_RenewsOnlySchedulesDeclaredInCode()
    {
        await UpsertAsync(At(10), declared: true, Definition("code", nextRunAt: At(100)));
        await UpsertAsync(At(10), declared: false, Definition("runtime", nextRunAt: At(100)));

        IReadOnlyList<bool> renewed = await Storage.DeclareRecurringJobsAsync(
            new RecurringDeclareRequest { Ids = ["code", "runtime", "missing"], Now = At(500) }, Ct);

        renewed.Should().Equal(true, false, false);
        (await GetScheduleAsync("code")).DeclaredAt.Should().Be(At(500));
        (await GetScheduleAsync("runtime")).DeclaredAt.Should().BeNull();
    }

    [Fact]
    public async Task PruneRecurringJobsAsync_RemovesDeclaredSchedulesNotRenewedSinceUpToTheLimit()
    {
        await UpsertAsync(At(10), declared: true, Definition("old1", nextRunAt: At(100)), Definition("old2", nextRunAt: At(100)));
        await UpsertAsync(At(20), declared: true, Definition("old3", nextRunAt: At(100)));
        await UpsertAsync(At(30), declared: true, Definition("fresh", nextRunAt: At(100)));
        await UpsertAsync(At(0), declared: false, Definition("runtime", nextRunAt: At(100)));
        await Storage.DeclareRecurringJobsAsync(new RecurringDeclareRequest { Ids = ["fresh"], Now = At(1_000) }, Ct);

        IReadOnlyList<string> first = await PruneSchedulesAsync(At(500), limit: 2);
        IReadOnlyList<string> second = await PruneSchedulesAsync(At(500), limit: 2);

        first.Should().HaveCount(2);
        first.Concat(second).Should().BeEquivalentTo(["old1", "old2", "old3"]);
        (await Storage.GetRecurringJobsAsync(new RecurringJobQuery(), Ct)).Select(j => j.Id).Should().Equal("fresh", "runtime");
        (await DueAsync(At(100))).Jobs.Select(j => j.Id).Should().Equal("fresh", "runtime");
    }

    private static RecurringJobDefinition Definition(string id, DateTimeOffset nextRunAt, string arguments = "{\"n\":1}") => new()
    {
        Id = id,
        Name = "export",
        Cron = "0 2 * * *",
        TimeZone = "Europe/Berlin",
        Arguments = Encoding.UTF8.GetBytes(arguments),
        NextRunAt = nextRunAt,
    };

    private static RecurringClaim Claim(string id, long version, DateTimeOffset nextRunAt, DateTimeOffset newNextRunAt, NewJob job, bool skipIfUnfinished = false)
        => Claim(id, version, nextRunAt, newNextRunAt, [job], skipIfUnfinished);

    private static RecurringClaim Claim(string id, long version, DateTimeOffset nextRunAt, DateTimeOffset newNextRunAt, NewJob first, NewJob second)
        => Claim(id, version, nextRunAt, newNextRunAt, [first, second], skipIfUnfinished: false);

    private static RecurringClaim Claim(string id, long version, DateTimeOffset nextRunAt, DateTimeOffset newNextRunAt, NewJob[] jobs, bool skipIfUnfinished) => new()
    {
        Id = id,
        Version = version,
        NextRunAt = nextRunAt,
        NewNextRunAt = newNextRunAt,
        Jobs = jobs,
        SkipIfLastJobUnfinished = skipIfUnfinished,
    };

    private async Task<IReadOnlyList<RecurringUpsertOutcome>> UpsertAsync(DateTimeOffset now, bool declared, params RecurringJobDefinition[] definitions)
        => await Storage.UpsertRecurringJobsAsync(new RecurringUpsertRequest { Jobs = definitions, Declared = declared, Now = now }, Ct);

    private async Task<IReadOnlyList<RecurringClaimOutcome>> ClaimAsync(DateTimeOffset now, params RecurringClaim[] claims)
        => await Storage.ClaimRecurringOccurrencesAsync(new RecurringClaimRequest { Claims = claims, Now = now }, Ct);

    private async Task<bool> PauseAsync(string id, bool paused, DateTimeOffset now, DateTimeOffset? nextRunAt = null)
        => await Storage.SetRecurringJobPausedAsync(new RecurringPauseRequest { Id = id, Paused = paused, NextRunAt = nextRunAt ?? now, Now = now }, Ct);

    private async Task<RecurringDueJobs> DueAsync(DateTimeOffset now, int limit = 100, string? afterId = null)
        => await Storage.GetDueRecurringJobsAsync(new RecurringDueRequest { Now = now, Limit = limit, AfterId = afterId }, Ct);

    private async Task<IReadOnlyList<string>> PruneSchedulesAsync(DateTimeOffset declaredBefore, int limit = 100)
        => await Storage.PruneRecurringJobsAsync(new RecurringPruneRequest { DeclaredBefore = declaredBefore, Limit = limit }, Ct);

    private async Task<StoredRecurringJob> GetScheduleAsync(string id)
    {
        IReadOnlyList<StoredRecurringJob> found = await Storage.GetRecurringJobsAsync(new RecurringJobQuery { Id = id }, Ct);
        found.Should().ContainSingle("schedule {0} was written", id);
        return found[0];
    }
}
