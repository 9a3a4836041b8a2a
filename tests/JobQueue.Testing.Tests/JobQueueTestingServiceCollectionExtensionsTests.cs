using JobQueue.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Testing.Tests;

public sealed class JobQueueTestingServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddJobQueueTesting_AfterTheApplicationsAddJobQueue_SwapsStoreClockAndWorkerAndKeepsTheAppsServices()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddHostedService<AppService>();
        builder.Services.AddJobQueue(q =>
        {
            // The application's real store, which a test must never reach.
            q.UseStorage("production", _ => throw new InvalidOperationException("the production store was used"));
            q.AddJob<SendWelcomeJob>(j => j.Queue = "email").AddJob<HourlyReportJob>();
            q.AddRecurringJob("hourly-report", "0 * * * *", new HourlyReport());
        });
        builder.Services.AddJobQueueTesting(o => o.StartTime = new DateTimeOffset(2030, 5, 1, 8, 0, 0, TimeSpan.Zero));
        using IHost host = builder.Build();
        await host.StartAsync();

        var harness = host.Services.GetRequiredService<JobQueueTestHarness>();
        await host.Services.GetRequiredService<IJobClient>().EnqueueAsync(new SendWelcome("a@b.c"));

        host.Services.GetServices<IHostedService>().Should().ContainSingle().Which.Should().BeOfType<AppService>();
        host.Services.GetRequiredService<TimeProvider>().Should().BeSameAs(harness.Clock).And.BeOfType<FakeTimeProvider>();
        harness.Clock.GetUtcNow().Should().Be(new DateTimeOffset(2030, 5, 1, 8, 0, 0, TimeSpan.Zero));
        (await harness.AssertEnqueuedAsync<SendWelcome>(queue: "email")).Info.State.Should().Be(JobState.Enqueued);
        host.Services.GetRequiredService<IJobStorage>().Should().BeSameAs(harness.Services.GetRequiredService<IJobStorage>());
        await harness.RunJobsAsync();
        host.Services.GetRequiredService<Outbox>().Sent.Should().ContainSingle();
        await host.StopAsync();
    }

    [Fact]
    public void AddJobQueueTesting_WithoutAddJobQueue_ThrowsSayingWhatToCallFirst()
    {
        var services = new ServiceCollection();

        Action add = () => services.AddJobQueueTesting();

        add.Should().Throw<InvalidOperationException>().WithMessage("AddJobQueueTesting found no JobQueue in these services: call services.AddJobQueue(...) first*");
    }

    [Fact]
    public void AddJobQueueTesting_Twice_Throws()
    {
        var services = new ServiceCollection();
        services.AddJobQueue(q => q.UseInMemory());
        services.AddJobQueueTesting();

        Action again = () => services.AddJobQueueTesting();

        again.Should().Throw<InvalidOperationException>().WithMessage("AddJobQueueTesting was called twice*");
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(10, 0)]
    public void AddJobQueueTesting_BoundOutOfRange_ThrowsNamingIt(int maxAttempts, int timeoutSeconds)
    {
        var services = new ServiceCollection();
        services.AddJobQueue(q => q.UseInMemory());

        Action add = () => services.AddJobQueueTesting(o => { o.MaxAttempts = maxAttempts; o.AttemptTimeout = TimeSpan.FromSeconds(timeoutSeconds); });

        add.Should().Throw<ArgumentOutOfRangeException>().WithMessage("JobQueueTestingOptions.*");
    }

    private sealed class AppService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
