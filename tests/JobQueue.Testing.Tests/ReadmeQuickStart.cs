using JobQueue;
using JobQueue.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Testing.Tests.QuickStart;

// The quick start of src/JobQueue.Testing/README.md, its statements in a test method (TestingDocsTests checks that every
// line of the README's block is here, in order).

public sealed class QuickStartTests
{
    [Fact]
    public async Task QuickStart_RunsTheWelcomeEmail()
    {
        await using JobQueueTestHarness jobs = JobQueueTestHarness.Create(
            q => q.AddJob<SendWelcomeEmailJob>(),
            services => services.AddSingleton<Outbox>());

        await jobs.Jobs.EnqueueAsync(new SendWelcomeEmail("ada@example.com"));              // what your code does

        await jobs.AssertEnqueuedAsync<SendWelcomeEmail>(e => e.Email == "ada@example.com"); // throws unless exactly one
        JobRunReport report = await jobs.RunJobsAsync();                                     // runs it, and what it enqueues
        Console.WriteLine(report);
        Console.WriteLine($"Sent to {string.Join(", ", jobs.Services.GetRequiredService<Outbox>().Sent)}");

        report.ToString().Should().StartWith("1 attempt from 2026-01-01 00:00:00Z to 2026-01-01 00:00:00Z: 1 succeeded, ");
        jobs.Services.GetRequiredService<Outbox>().Sent.Should().Equal("ada@example.com");
    }
}

public sealed record SendWelcomeEmail(string Email);

public sealed class Outbox
{
    public List<string> Sent { get; } = [];
}

public sealed class SendWelcomeEmailJob(Outbox outbox) : IJob<SendWelcomeEmail>
{
    public Task ExecuteAsync(SendWelcomeEmail args, JobContext context, CancellationToken cancellationToken)
    {
        outbox.Sent.Add(args.Email);
        return Task.CompletedTask;
    }
}
