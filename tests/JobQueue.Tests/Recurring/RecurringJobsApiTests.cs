using JobQueue.Storage;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Recurring;

public sealed class RecurringJobsApiTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0 2 * *", "UTC", "\"0 2 * *\" has 4 fields")]
    [InlineData("0 25 * * *", "UTC", "\"0 25 * * *\" does not parse")]
    [InlineData("0 2 * * *", "Mars/Olympus_Mons", "\"Mars/Olympus_Mons\" is not known")]
    public void AddRecurringJob_InvalidCronOrTimeZone_FailsAtRegistrationNamingIt(string cron, string zone, string expected)
    {
        var services = new ServiceCollection();

        Action register = () => services.AddJobQueue(q => q.UseInMemory().AddJob<RecordJob>()
            .AddRecurringJob("nightly-export", cron, new RecordArgs("x"), r => r.TimeZone = zone));

        register.Should().Throw<ArgumentException>().Which.Message.Should().Contain("AddRecurringJob(\"nightly-export\")").And.Contain(expected);
    }

    [Fact]
    public void AddRecurringJob_SameIdTwice_FailsNamingIt()
    {
        Action register = () => new ServiceCollection().AddJobQueue(q => q.UseInMemory().AddJob<RecordJob>()
            .AddRecurringJob("a", "* * * * *", new RecordArgs("x"))
            .AddRecurringJob("a", "0 * * * *", new RecordArgs("y")));

        register.Should().Throw<ArgumentException>().WithMessage("*\"a\" is declared twice*");
    }

    [Fact]
    public void AddRecurringJob_ArgumentsOfNoRegisteredJob_FailsAddJobQueue()
    {
        Action register = () => new ServiceCollection().AddJobQueue(q => q.UseInMemory().AddRecurringJob("a", "* * * * *", new RecordArgs("x")));

        register.Should().Throw<InvalidOperationException>().WithMessage("*AddRecurringJob(\"a\")*RecordArgs*");
    }

    [Fact]
    public async Task AddOrUpdateAsync_WindowsTimeZoneAndSecondsField_Accepted()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0);

        await host.Recurring.AddOrUpdateAsync("berlin", "0 0 2 * * *", new RecordArgs("x"), new RecurringJobOptions { TimeZone = "W. Europe Standard Time" });

        RecurringJobInfo info = (await host.Recurring.ListAsync()).Single();
        info.NextRunAt.Should().Be(new DateTimeOffset(2030, 1, 1, 1, 0, 0, TimeSpan.Zero), "02:00 in Berlin in winter");
        info.TimeZone.Should().Be("W. Europe Standard Time");
        info.Problem.Should().BeNull();
    }

    [Fact]
    public async Task AddOrUpdateAsync_InvalidCron_ThrowsNamingItAndWritesNothing()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0);

        Func<Task> add = () => host.Recurring.AddOrUpdateAsync("bad", "61 * * * *", new RecordArgs("x")).AsTask();

        (await add.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("\"61 * * * *\"");
        (await host.Recurring.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task ListAsync_ShowsTheDefinitionAndTheNextRunTimes()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("nightly-export", "0 2 * * *", new RecordArgs("x"), r =>
        {
            r.TimeZone = "Europe/Berlin";
            r.Queue = "exports";
        }));
        await host.PassAsync();

        RecurringJobInfo info = (await host.Recurring.ListAsync()).Single();

        info.Should().BeEquivalentTo(new
        {
            Id = "nightly-export",
            Cron = "0 2 * * *",
            TimeZone = "Europe/Berlin",
            Name = "test-record",
            Queue = "exports",
            Misfire = MisfirePolicy.RunOnce,
            Overlap = OverlapPolicy.Allow,
            Paused = false,
            DeclaredInCode = true,
            DeclaredByRunningHost = true,
            Problem = (string?)null,
        });
        DateTimeOffset firstRun = new(2030, 1, 1, 1, 0, 0, TimeSpan.Zero);
        info.NextRunAt.Should().Be(firstRun);
        info.UpcomingRuns.Should().Equal(Enumerable.Range(0, 5).Select(d => firstRun.AddDays(d)));
    }

    [Fact]
    public async Task TriggerAsync_EnqueuesARunNowWithoutMovingTheSchedule()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("hourly", "0 * * * *", new RecordArgs("x")));
        await host.PassAsync();
        host.Time.Advance(TimeSpan.FromMinutes(10));

        JobId id = await host.Recurring.TriggerAsync("hourly");

        StoredJob job = (await rig.JobsAsync()).Should().ContainSingle().Subject;
        job.Id.Should().Be(id);
        job.RunAt.Should().Be(T0.AddMinutes(10));
        RecurringJobInfo info = (await host.Recurring.ListAsync()).Single();
        info.NextRunAt.Should().Be(T0.AddHours(1));
        info.LastJobId.Should().Be(id);

        Func<Task> missing = () => host.Recurring.TriggerAsync("nope").AsTask();
        (await missing.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("\"nope\"");
    }

    [Fact]
    public async Task PauseAndResume_NoOccurrenceWhilePaused_ResumesAtTheNextOccurrenceAfterNow()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0, q => q.AddRecurringJob("m", "* * * * *", new RecordArgs("x")));
        await host.PassAsync();

        (await host.Recurring.PauseAsync("m")).Should().BeTrue();
        await host.PassAtAsync(T0.AddMinutes(5));

        (await rig.JobsAsync()).Should().BeEmpty();
        RecurringJobInfo paused = (await host.Recurring.ListAsync()).Single();
        paused.Paused.Should().BeTrue();
        paused.NextRunAt.Should().BeNull();
        paused.UpcomingRuns.Should().BeEmpty();

        host.Time.SetUtcNow(T0.AddMinutes(5.5));
        (await host.Recurring.ResumeAsync("m")).Should().BeTrue();
        (await host.Recurring.ListAsync()).Single().NextRunAt.Should().Be(T0.AddMinutes(6));
        await host.PassAtAsync(T0.AddMinutes(6));

        (await rig.JobsAsync()).Select(j => j.RunAt).Should().Equal(T0.AddMinutes(6));
        (await host.Recurring.PauseAsync("nope")).Should().BeFalse();
        (await host.Recurring.ResumeAsync("nope")).Should().BeFalse();
    }

    [Fact]
    public async Task AddOrUpdateAsync_ThenRemoveAsync_ScheduleGoneAndItsJobsKept()
    {
        await using var rig = new RecurringRig();
        RigHost host = await rig.AddHostAsync(T0);
        await host.Recurring.AddOrUpdateAsync("runtime", "* * * * *", new RecordArgs("x"), new RecurringJobOptions { Priority = 4 });
        await host.PassAtAsync(T0.AddMinutes(1));

        (await host.Recurring.ListAsync()).Single().DeclaredInCode.Should().BeFalse();
        (await host.Recurring.RemoveAsync("runtime")).Should().BeTrue();
        await host.PassAtAsync(T0.AddMinutes(2));

        (await host.Recurring.ListAsync()).Should().BeEmpty();
        StoredJob job = (await rig.JobsAsync()).Should().ContainSingle().Subject;
        job.Priority.Should().Be(4);
        (await host.Recurring.RemoveAsync("runtime")).Should().BeFalse();
    }
}
