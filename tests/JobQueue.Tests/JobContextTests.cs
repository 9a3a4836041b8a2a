using JobQueue.TestSupport;

namespace JobQueue.Tests;

public sealed class JobContextTests
{
    private readonly Probe _probe = new();

    [Theory]
    [InlineData("over-timer")]
    [InlineData("max")]
    [InlineData("negative")]
    [InlineData("infinite")]
    public async Task Snooze_DelayOutOfRange_ThrowsToTheHandlerNamingTheLimit(string problem)
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.AddJob<SnoozeForJob>());
        TimeSpan delay = problem switch
        {
            "over-timer" => TimerLimit.Max + TimeSpan.FromMilliseconds(1),
            "max" => TimeSpan.MaxValue,
            "negative" => TimeSpan.FromSeconds(-1),
            _ => Timeout.InfiniteTimeSpan,
        };

        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new SnoozeForArgs(delay.Ticks), new EnqueueOptions { MaxAttempts = 1 }));

        info.State.Should().Be(JobState.Failed, "the handler's own call threw, so the attempt failed like any other");
        info.Error!.Type.Should().Be(typeof(ArgumentOutOfRangeException).FullName);
        info.Error.Message.Should().Match(problem is "negative" or "infinite" ? "Snooze(*): it cannot be negative*" : "Snooze(*): it must be at most *49.7 days*");
        _probe.Count("snooze-threw").Should().Be(1);
    }

    [Fact]
    public async Task Snooze_DelayAtTheLimit_ReschedulesTheJob()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.AddJob<SnoozeForJob>());

        JobId id = await host.Client.EnqueueAsync(new SnoozeForArgs(TimerLimit.Max.Ticks));
        await host.Logs.WaitForAsync(e => e.EventId.Id == 2104, "the snooze to be written");
        JobInfo? info = await host.Client.GetAsync(id);

        info!.State.Should().Be(JobState.Scheduled);
        _probe.Count("snooze-threw").Should().Be(0);
    }
}

[JobName("test-snooze-for")]
public sealed record SnoozeForArgs(long Ticks);

/// <summary>Snoozes for the given span, recording whether Snooze accepted it.</summary>
public sealed class SnoozeForJob(Probe probe) : IJob<SnoozeForArgs>
{
    public Task ExecuteAsync(SnoozeForArgs args, JobContext context, CancellationToken cancellationToken)
    {
        try
        {
            context.Snooze(TimeSpan.FromTicks(args.Ticks));
        }
        catch (ArgumentOutOfRangeException)
        {
            probe.Record("snooze-threw");
            throw;
        }

        probe.Record("snoozed");
        return Task.CompletedTask;
    }
}
