using JobQueue;
using JobQueue.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JobQueue.Testing.Tests.QuickStart;

// The quick start of src/JobQueue.Testing/README.md, compiled and run (TestingDocsTests checks that the two agree).

public sealed class WelcomeEmailTests
{
    [Fact]
    public async Task SignUp_SendsTheWelcomeEmail()
    {
        await using JobQueueTestHarness jobs = JobQueueTestHarness.Create(
            q => q.AddJob<SendWelcomeEmailJob>(),
            services => services.AddSingleton<FakeMailer>().AddSingleton<IMailer>(sp => sp.GetRequiredService<FakeMailer>()));

        await jobs.Jobs.EnqueueAsync(new SendWelcomeEmail("ada@example.com"));   // what your code does

        await jobs.AssertEnqueuedAsync<SendWelcomeEmail>(e => e.Email == "ada@example.com");
        await jobs.RunJobsAsync();                                                  // runs it, and what it enqueues
        Assert.Equal(["ada@example.com"], jobs.Services.GetRequiredService<FakeMailer>().Sent);
    }
}

public sealed record SendWelcomeEmail(string Email);

public interface IMailer
{
    Task SendAsync(string to, CancellationToken cancellationToken);
}

public sealed class FakeMailer : IMailer
{
    public List<string> Sent { get; } = [];

    public Task SendAsync(string to, CancellationToken cancellationToken)
    {
        Sent.Add(to);
        return Task.CompletedTask;
    }
}

public sealed class SendWelcomeEmailJob(IMailer mailer) : IJob<SendWelcomeEmail>
{
    public Task ExecuteAsync(SendWelcomeEmail args, JobContext context, CancellationToken cancellationToken)
        => mailer.SendAsync(args.Email, cancellationToken);
}
