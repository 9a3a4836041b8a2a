using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobQueue.Storage.Tests.Engine;

// Job logs: what a handler logs through ILogger is kept with its job, per attempt and bounded, and read through IJobAdmin.
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task JobLog_HandlerLogsOnTwoAttempts_EachAttemptKeepsItsLastLinesBoundedWithTheDroppedCount()
    {
        TestHost host = await StartHostAsync(q => q.AddJob<LoggingJob>(j => j.RetryDelay = TimeSpan.Zero));
        IJobAdmin admin = host.Services.GetRequiredService<IJobAdmin>();
        host.Services.GetRequiredService<ILogger<EngineConformanceTests>>().LogInformation("logged outside any job");

        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new LoggingArgs("chatty", Lines: 250, FailFirstAttempt: true)));
        IReadOnlyList<JobLogAttempt> log = await admin.GetJobLogAsync(info.Id);

        info.State.Should().Be(JobState.Succeeded);
        log.Select(a => a.Attempt).Should().Equal(1, 2);
        foreach (JobLogAttempt attempt in log)
        {
            // 250 lines, a warning and a long line: 252, of which the last 200 are kept.
            attempt.Lines.Should().HaveCount(200);
            attempt.DroppedLines.Should().Be(52);
            attempt.Lines[0].Message.Should().Be($"chatty line 53 of attempt {attempt.Attempt}");
            attempt.Lines[0].Category.Should().Be(typeof(LoggingJob).FullName);
            attempt.Lines[0].Level.Should().Be(LogLevel.Information);
            attempt.Lines[^2].Level.Should().Be(LogLevel.Warning);
            attempt.Lines[^2].Message.Should().Be("chatty warns System.InvalidOperationException: inner detail");
            attempt.Lines[^1].Message.Should().HaveLength(2000).And.EndWith("x…");
        }

        log.SelectMany(a => a.Lines).Should().OnlyContain(l => l.Category == typeof(LoggingJob).FullName, "the engine's own lines and lines logged outside the job are not the job's");
    }

    [Fact]
    public async Task JobLog_ManyJobsLogAtOnce_EachKeepsOnlyItsOwnLines()
    {
        TestHost host = await StartHostAsync(q =>
        {
            q.AddJob<LoggingJob>(j => j.Queue = "chatter");
            q.AddQueue("chatter", concurrency: 8);
        });
        IJobAdmin admin = host.Services.GetRequiredService<IJobAdmin>();

        IReadOnlyList<JobId> ids = await host.Client.EnqueueManyAsync(Enumerable.Range(0, 40).Select(i => new LoggingArgs($"job{i}", Lines: 3)));
        foreach (JobId id in ids)
        {
            await host.WaitAsync(id);
        }

        for (int i = 0; i < ids.Count; i++)
        {
            JobLogAttempt attempt = (await admin.GetJobLogAsync(ids[i])).Should().ContainSingle().Subject;
            attempt.Lines.Take(3).Select(l => l.Message).Should().Equal($"job{i} line 1 of attempt 1", $"job{i} line 2 of attempt 1", $"job{i} line 3 of attempt 1");
            attempt.Lines.Should().HaveCount(5, "three lines, the warning and the long line; none of another job's");
            attempt.DroppedLines.Should().Be(0);
        }
    }

    [Fact]
    public async Task JobLog_UnknownJobOrNoLines_IsEmpty()
    {
        TestHost host = await StartHostAsync();
        IJobAdmin admin = host.Services.GetRequiredService<IJobAdmin>();

        JobInfo quiet = await host.WaitAsync(await host.Client.EnqueueAsync(new AddArgs(1, 1)));

        (await admin.GetJobLogAsync(quiet.Id)).Should().BeEmpty();
        (await admin.GetJobLogAsync(JobId.New())).Should().BeEmpty();
    }
}
