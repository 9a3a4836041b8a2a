using JobQueue.Storage;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Tests.Recurring;

public sealed class RecurringSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Occurrence_EnqueuedAsAJobDueAtItsOccurrenceTime()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("minutely", "* * * * *", new RecordArgs("tick")));

        DateTimeOffset? first = await host.PassAsync();
        (await rig.JobsAsync()).Should().BeEmpty("the first occurrence is after the declaration");
        first.Should().Be(T0.AddMinutes(1));

        await host.PassAtAsync(T0.AddMinutes(1).AddMilliseconds(3));

        StoredJob job = (await rig.JobsAsync()).Should().ContainSingle().Subject;
        job.RunAt.Should().Be(T0.AddMinutes(1));
        job.Name.Should().Be("test-record");
        job.State.Should().Be(JobState.Enqueued);
        StoredRecurringJob schedule = await rig.ScheduleAsync("minutely");
        schedule.LastJobId.Should().Be(job.Id);
        schedule.NextRunAt.Should().Be(T0.AddMinutes(2));
    }

    [Fact]
    public async Task ThreeHostsWithSkewedClocks_EveryOccurrenceEnqueuedExactlyOnce()
    {
        await using var rig = new RecurringRig();
        TimeSpan[] skews = [TimeSpan.Zero, TimeSpan.FromSeconds(3.3), TimeSpan.FromSeconds(-2.1)];
        var hosts = new List<(RigHost Host, TimeSpan Skew)>();
        var race = new RoundBarrier(skews.Length);
        foreach (TimeSpan skew in skews)
        {
            hosts.Add((await rig.AddHostAsync(T0 + skew + TimeSpan.FromSeconds(3), q => q.AddRecurringJob("every-second", "* * * * * *", new RecordArgs("tick")),
                readsTogether: race), skew));
        }

        // Real time moves in uneven steps; each host sees it through its own clock, and they race on the store.
        DateTimeOffset end = T0.AddSeconds(60);
        for (DateTimeOffset real = T0.AddSeconds(3); real <= end; real += TimeSpan.FromMilliseconds(370))
        {
            DateTimeOffset now = real;
            await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Host.PassAtAsync(now + h.Skew))));
        }

        IReadOnlyList<StoredJob> jobs = await rig.JobsAsync();
        DateTimeOffset[] runAts = [.. jobs.Select(j => j.RunAt)];
        runAts.Should().OnlyHaveUniqueItems("each occurrence is enqueued once");
        runAts.Should().OnlyContain(t => t.Millisecond == 0 && t.Ticks % TimeSpan.TicksPerSecond == 0, "a job's run time is its occurrence time");
        DateTimeOffset firstRun = runAts[0];
        DateTimeOffset lastRun = runAts[^1];
        runAts.Should().Equal(Enumerable.Range(0, (int)(lastRun - firstRun).TotalSeconds + 1).Select(s => firstRun.AddSeconds(s)), "no occurrence is missing");
        firstRun.Should().BeOnOrBefore(T0.AddSeconds(6));
        lastRun.Should().BeOnOrAfter(end, "the host that is ahead claims its occurrences early, as jobs due at their time");
    }

    [Fact]
    public async Task MisfireRunOnce_AfterAnOutage_OneRunForTheMissedOccurrencesThenOnTime()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("m", "* * * * *", new RecordArgs("tick")));
        await host.PassAsync();

        await host.PassAtAsync(T0.AddMinutes(10.5));

        (await rig.JobsAsync()).Select(j => j.RunAt).Should().Equal(T0.AddMinutes(9), T0.AddMinutes(10));
        StoredRecurringJob schedule = await rig.ScheduleAsync("m");
        schedule.NextRunAt.Should().Be(T0.AddMinutes(11));
        schedule.LastSkippedAt.Should().Be(T0.AddMinutes(8), "the latest occurrence dropped");
        host.Host.Logs.Entries.Should().Contain(e => e.EventId.Id == 3104 && e.Message.Contains("missed 9 occurrence(s)") && e.Message.Contains("1 enqueued now, 8 dropped"));
    }

    [Fact]
    public async Task MisfireSkip_AfterAnOutage_OnlyTheOnTimeOccurrenceRuns()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("m", "* * * * *", new RecordArgs("tick"), r => r.Misfire = MisfirePolicy.Skip));
        await host.PassAsync();

        await host.PassAtAsync(T0.AddMinutes(10.5));

        (await rig.JobsAsync()).Select(j => j.RunAt).Should().Equal(T0.AddMinutes(10));
        (await rig.ScheduleAsync("m")).LastSkippedAt.Should().Be(T0.AddMinutes(9));
    }

    [Fact]
    public async Task MisfireRunAll_AfterAnOutage_TheLatestMissedUpToMaxCatchUp()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("m", "* * * * *", new RecordArgs("tick"), r =>
        {
            r.Misfire = MisfirePolicy.RunAll;
            r.MaxCatchUp = 3;
        }));
        await host.PassAsync();

        await host.PassAtAsync(T0.AddMinutes(10.5));

        (await rig.JobsAsync()).Select(j => j.RunAt).Should().Equal(T0.AddMinutes(7), T0.AddMinutes(8), T0.AddMinutes(9), T0.AddMinutes(10));
        (await rig.ScheduleAsync("m")).LastSkippedAt.Should().Be(T0.AddMinutes(6));
    }

    [Fact]
    public async Task MisfireRunAll_ShortOutage_EveryMissedOccurrenceRuns()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("m", "* * * * *", new RecordArgs("tick"), r => r.Misfire = MisfirePolicy.RunAll));
        await host.PassAsync();

        await host.PassAtAsync(T0.AddMinutes(5.5));

        (await rig.JobsAsync()).Select(j => j.RunAt).Should().Equal(Enumerable.Range(1, 5).Select(m => T0.AddMinutes(m)));
        (await rig.ScheduleAsync("m")).LastSkippedAt.Should().BeNull();
    }

    [Fact]
    public async Task OverlapSkip_PreviousJobUnfinished_OccurrenceSkippedUntilItFinishes()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("o", "* * * * *", new RecordArgs("tick"), r => r.Overlap = OverlapPolicy.Skip));
        await host.PassAsync();
        await host.PassAtAsync(T0.AddMinutes(1));
        StoredJob first = (await rig.JobsAsync()).Should().ContainSingle().Subject;

        await host.PassAtAsync(T0.AddMinutes(2));

        (await rig.JobsAsync()).Should().ContainSingle("the first job has not run yet");
        (await rig.ScheduleAsync("o")).LastSkippedAt.Should().Be(T0.AddMinutes(2));
        host.Host.Logs.Entries.Should().Contain(e => e.EventId.Id == 3105);

        IReadOnlyList<StoredJob> leased = await rig.Storage.FetchAsync(
            new FetchRequest { Queue = first.Queue, Limit = 1, Now = T0.AddMinutes(2), LeaseToken = Guid.NewGuid(), LeaseExpiresAt = T0.AddMinutes(5), WorkerId = "w" }, rig.Ct);
        await rig.Storage.CompleteAsync([new JobCompletion { Id = first.Id, LeaseToken = leased[0].LeaseToken!.Value, Now = T0.AddMinutes(2.5) }], rig.Ct);
        await host.PassAtAsync(T0.AddMinutes(3));

        (await rig.JobsAsync()).Select(j => j.RunAt).Should().Equal(T0.AddMinutes(1), T0.AddMinutes(3));
    }

    [Fact]
    public async Task OverlapAllow_PreviousJobUnfinished_EveryOccurrenceEnqueued()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("o", "* * * * *", new RecordArgs("tick")));
        await host.PassAsync();

        foreach (int minute in new[] { 1, 2, 3 })
        {
            await host.PassAtAsync(T0.AddMinutes(minute));
        }

        (await rig.JobsAsync()).Select(j => j.RunAt).Should().Equal(T0.AddMinutes(1), T0.AddMinutes(2), T0.AddMinutes(3));
    }

    [Fact]
    public async Task Declaration_ChangedCronOrArguments_UpdatedInPlace()
    {
        await using var rig = new RecurringRig();
        RigHost v1 = await rig.AddHostAsync(T0, q => q.AddRecurringJob("r", "0 * * * *", new RecordArgs("v1")));
        await v1.PassAsync();

        RigHost v2 = await rig.AddHostAsync(T0.AddMinutes(10), q => q.AddRecurringJob("r", "30 * * * *", new RecordArgs("v1")));
        await v2.PassAsync();

        StoredRecurringJob cronChanged = await rig.ScheduleAsync("r");
        cronChanged.Cron.Should().Be("30 * * * *");
        cronChanged.NextRunAt.Should().Be(T0.AddMinutes(30));
        cronChanged.Version.Should().Be(2);
        v2.Host.Logs.Entries.Should().Contain(e => e.EventId.Id == 3102 && e.Message.Contains("Recurring job r"));

        RigHost v3 = await rig.AddHostAsync(T0.AddMinutes(20), q => q.AddRecurringJob("r", "30 * * * *", new RecordArgs("v2")));
        await v3.PassAsync();

        StoredRecurringJob argumentsChanged = await rig.ScheduleAsync("r");
        System.Text.Encoding.UTF8.GetString(argumentsChanged.Arguments).Should().Contain("v2");
        argumentsChanged.NextRunAt.Should().Be(T0.AddMinutes(30), "new arguments keep the schedule's next occurrence");
        argumentsChanged.Version.Should().Be(3);
        (await rig.Storage.GetRecurringJobsAsync(new RecurringJobQuery(), rig.Ct)).Should().ContainSingle();
    }

    [Fact]
    public async Task Declaration_NoRunningHostDeclaresIt_ReportedThenRemovedAfterTheRetention()
    {
        await using var rig = new RecurringRig();
        RigHost old = await rig.AddHostAsync(T0, q => q.AddRecurringJob("gone", "0 * * * *", new RecordArgs("x")));
        await old.PassAsync();
        RigHost current = await rig.AddHostAsync(
            T0.AddMinutes(6),
            q => q.AddRecurringJob("kept", "0 * * * *", new RecordArgs("y")),
            o => o.UndeclaredRecurringJobRetention = TimeSpan.FromMinutes(30));

        await current.PassAsync();

        RecurringJobInfo gone = (await current.Recurring.ListAsync()).Single(j => j.Id == "gone");
        gone.DeclaredInCode.Should().BeTrue();
        gone.DeclaredByRunningHost.Should().BeFalse();
        gone.LastDeclaredAt.Should().Be(T0);
        (await current.Recurring.ListAsync()).Single(j => j.Id == "kept").DeclaredByRunningHost.Should().BeTrue();
        current.Host.Logs.Entries.Should().ContainSingle(e => e.EventId.Id == 3107 && e.Message.Contains("Recurring job gone"));

        await current.RunUntilAsync(T0.AddMinutes(29));
        (await current.Recurring.ListAsync()).Select(j => j.Id).Should().Equal("gone", "kept");
        current.Host.Logs.Entries.Should().ContainSingle(e => e.EventId.Id == 3107, "it is reported once, not every pass");

        await current.RunUntilAsync(T0.AddMinutes(32));
        (await current.Recurring.ListAsync()).Select(j => j.Id).Should().Equal("kept");
        current.Host.Logs.Entries.Should().Contain(e => e.EventId.Id == 3109 && e.Message.Contains("Removed recurring job gone"));
    }

    [Fact]
    public async Task Declaration_RetentionNull_UndeclaredScheduleKeptUntilRemoved()
    {
        await using var rig = new RecurringRig();
        RigHost old = await rig.AddHostAsync(T0, q => q.AddRecurringJob("gone", "0 * * * *", new RecordArgs("x")));
        await old.PassAsync();
        RigHost current = await rig.AddHostAsync(T0.AddDays(30), options: o => o.UndeclaredRecurringJobRetention = null);

        await current.PassAsync();

        (await current.Recurring.ListAsync()).Should().ContainSingle(j => j.Id == "gone" && !j.DeclaredByRunningHost);
        current.Host.Logs.Entries.Should().Contain(e => e.EventId.Id == 3108);
        (await current.Recurring.RemoveAsync("gone")).Should().BeTrue();
        (await current.Recurring.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task BadStoredSchedule_LoggedOnceAndOtherSchedulesGoOn()
    {
        await using var rig = new RecurringRig();
        await rig.Storage.UpsertRecurringJobsAsync(
            new RecurringUpsertRequest
            {
                Jobs =
                [
                    new RecurringJobDefinition { Id = "broken", Name = "test-record", Cron = "not a cron", TimeZone = "UTC", Arguments = "{}"u8.ToArray(), NextRunAt = T0 },
                    new RecurringJobDefinition { Id = "unknown", Name = "no-such-job", Cron = "* * * * *", TimeZone = "UTC", Arguments = "{}"u8.ToArray(), NextRunAt = T0 },
                ],
                Declared = false,
                Now = T0,
            },
            rig.Ct);
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("fine", "* * * * *", new RecordArgs("ok")));

        await host.PassAsync();
        await host.PassAtAsync(T0.AddMinutes(1));
        await host.PassAtAsync(T0.AddMinutes(2));

        (await rig.JobsAsync()).Select(j => j.RunAt).Should().Equal(T0.AddMinutes(1), T0.AddMinutes(2));
        host.Host.Logs.Entries.Where(e => e.EventId.Id == 3106).Select(e => e.Message).Should().SatisfyRespectively(
            broken => broken.Should().Contain("Recurring job broken").And.Contain("\"not a cron\""),
            unknown => unknown.Should().Contain("Recurring job unknown").And.Contain("'no-such-job'"));
        (await host.Recurring.ListAsync()).Single(j => j.Id == "broken").Problem.Should().Contain("not a cron");
    }
}
