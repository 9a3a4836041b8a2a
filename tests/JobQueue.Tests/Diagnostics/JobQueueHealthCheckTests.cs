using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Tests.Diagnostics;

public sealed class JobQueueHealthCheckTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task CheckHealth_StoreAnswersAndWorkerRuns_HealthyWithStoreAndWorkerInData()
    {
        await using TestHost host = await StartAsync(q => q.UseInMemory());
        await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("ran")));

        HealthReportEntry entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Healthy, entry.Description);
        entry.Data["store"].Should().Be("in-memory");
        entry.Data["worker"].Should().Be("Running");
    }

    [Fact]
    public async Task CheckHealth_OldestReadyJobWaitedPastTheLimit_DegradedNamingTheQueue()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using TestHost host = await StartAsync(
            q => q.UseInMemory().Configure(o => o.RunWorker = false),
            s => s.AddSingleton<TimeProvider>(time),
            o => o.QueueLatencyDegraded = TimeSpan.FromMinutes(5));
        // A worker process serves the queue (its heartbeats count it alive past the 7 minutes): too slow, not missing.
        await host.Storage.RecordHeartbeatAsync(Heartbeats.Serving("worker-process", time.GetUtcNow(), TimeSpan.FromMinutes(5), "reports"), Deadline.Token());
        await host.Client.EnqueueAsync(new RecordArgs("waits"), new EnqueueOptions { Queue = "reports" });
        HealthReportEntry fresh = await CheckAsync(host);

        time.Advance(TimeSpan.FromMinutes(7));
        HealthReportEntry waited = await CheckAsync(host);

        fresh.Status.Should().Be(HealthStatus.Healthy, fresh.Description);
        fresh.Data["worker"].Should().Be("none in this process");
        waited.Status.Should().Be(HealthStatus.Degraded);
        waited.Description.Should().Contain("reports").And.Contain("1 ready").And.Contain("7 min");
        waited.Data["queue.reports.ready"].Should().Be(1L);
        waited.Data["queue.reports.latency_seconds"].Should().Be(420.0);
        waited.Data["queue.reports.hosts"].Should().Be(1);
    }

    [Fact]
    public async Task CheckHealth_StoreThrows_UnhealthyWithTheStoresError()
    {
        var storage = new FailingReads(new InMemoryJobStorage(new InMemoryStorageOptions()), hang: false);
        await using TestHost host = await StartAsync(q => q.UseStorage("Flaky", _ => storage));

        HealthReportEntry entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Unhealthy);
        entry.Description.Should().Be("The Flaky store cannot be reached: connection refused (test)");
        entry.Exception.Should().BeOfType<IOException>();
    }

    [Fact]
    public async Task CheckHealth_StoreDoesNotAnswer_UnhealthyAfterTheStoreTimeout()
    {
        var storage = new FailingReads(new InMemoryJobStorage(new InMemoryStorageOptions()), hang: true);
        await using TestHost host = await StartAsync(q => q.UseStorage("Stalled", _ => storage), configure: o => o.StoreTimeout = TimeSpan.FromMilliseconds(200));

        HealthReportEntry entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Unhealthy);
        entry.Description.Should().Contain("The Stalled store did not answer within");
    }

    [Fact]
    public async Task CheckHealth_WorkerHostStopped_Unhealthy()
    {
        TestHost host = await StartAsync(q => q.UseInMemory());
        HealthCheckService checks = host.Services.GetRequiredService<HealthCheckService>();

        await host.StopAsync();
        HealthReport report = await checks.CheckHealthAsync();

        report.Entries["jobqueue"].Status.Should().Be(HealthStatus.Unhealthy);
        report.Entries["jobqueue"].Description.Should().Contain("has stopped");
        await host.DisposeAsync();
    }

    [Fact]
    public async Task CheckHealth_AbandonedHandlerStillRuns_DegradedUntilItEnds()
    {
        await using TestHost host = await StartAsync(q => q.UseInMemory().Configure(o => o.TimeoutGrace = TimeSpan.FromMilliseconds(100)));
        JobId id = await host.Client.EnqueueAsync(new GateArgs("hung", IgnoreCancellation: true),
            new EnqueueOptions { Timeout = TimeSpan.FromMilliseconds(200), MaxAttempts = 1 });
        await host.WaitAsync(id);
        HealthReportEntry whileRunning = await CheckAsync(host);

        _probe.Open("hung");
        await host.Logs.WaitForAsync(e => e.EventId.Id == 2113, "the abandoned handler's end, counted");
        HealthReportEntry afterwards = await CheckAsync(host);

        whileRunning.Status.Should().Be(HealthStatus.Degraded);
        whileRunning.Description.Should().Contain("1 handlers abandoned");
        whileRunning.Data["handlers.abandoned_running"].Should().Be(1);
        afterwards.Status.Should().Be(HealthStatus.Healthy, afterwards.Description);
        afterwards.Data["handlers.abandoned"].Should().Be(1L, "the total stays, for the record");
        afterwards.Data["handlers.abandoned_running"].Should().Be(0);
    }

    [Fact]
    public async Task CheckHealth_ReadyJobsInAQueueNoLiveHostServes_DegradedNamingTheQueue()
    {
        await using TestHost host = await StartAsync(q => q.UseInMemory());
        // A host that served the queue but stopped writing heartbeats long ago is no host.
        await host.Storage.RecordHeartbeatAsync(Heartbeats.Serving("gone-host", DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromSeconds(15), "emails"), Deadline.Token());
        await host.Client.EnqueueAsync(new RecordArgs("unserved"), new EnqueueOptions { Queue = "emails" });
        await host.Client.EnqueueAsync(new RecordArgs("unserved too"), new EnqueueOptions { Queue = "emails" });

        HealthReportEntry entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Degraded);
        entry.Description.Should().Contain("Queue 'emails' has 2 ready jobs and no live worker host serves it.");
        entry.Data["queue.emails.hosts"].Should().Be(0);
        entry.Data["queue.emails.ready"].Should().Be(2L);
    }

    [Fact]
    public async Task CheckHealth_AnotherLiveHostServesTheQueue_Healthy()
    {
        await using TestHost host = await StartAsync(q => q.UseInMemory().Configure(o => o.RunWorker = false));
        await host.Storage.RecordHeartbeatAsync(Heartbeats.Serving("worker-process", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(15), "emails"), Deadline.Token());
        await host.Client.EnqueueAsync(new RecordArgs("served elsewhere"), new EnqueueOptions { Queue = "emails" });

        HealthReportEntry entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Healthy, entry.Description);
        entry.Data["queue.emails.hosts"].Should().Be(1);
    }

    [Fact]
    public async Task CheckHealth_ThisProcessesWorkerServesTheQueueBeforeItsHeartbeatIsStored_Healthy()
    {
        var storage = new HostRegistry(new InMemoryJobStorage(new InMemoryStorageOptions()), fail: false);
        await using TestHost host = await StartAsync(q => q.UseStorage("NoHeartbeatsYet", _ => storage).AddQueue("emails", concurrency: 1));
        await host.Client.EnqueueAsync(new GateArgs("busy"), new EnqueueOptions { Queue = "emails" });
        await _probe.WaitAsync("busy:started");
        await host.Client.EnqueueAsync(new RecordArgs("waits its turn"), new EnqueueOptions { Queue = "emails" });

        HealthReportEntry entry = await CheckAsync(host);
        _probe.Open("busy");

        entry.Status.Should().Be(HealthStatus.Healthy, entry.Description);
        entry.Data["queue.emails.ready"].Should().Be(1L);
        entry.Data["queue.emails.hosts"].Should().Be(1);
    }

    [Fact]
    public async Task CheckHealth_PausedQueueNoHostServes_NotDegraded()
    {
        await using TestHost host = await StartAsync(q => q.UseInMemory().Configure(o => o.RunWorker = false));
        await host.Client.EnqueueAsync(new RecordArgs("held"), new EnqueueOptions { Queue = "emails" });
        await host.Services.GetRequiredService<IJobAdmin>().PauseQueueAsync("emails");

        HealthReportEntry entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Healthy, entry.Description);
        entry.Data["queue.emails.paused"].Should().Be(true);
        entry.Data["queue.emails.hosts"].Should().Be(0);
    }

    [Fact]
    public async Task CheckHealth_HostRegistryReadFails_ReportsWithoutTheHosts()
    {
        var storage = new HostRegistry(new InMemoryJobStorage(new InMemoryStorageOptions()), fail: true);
        await using TestHost host = await StartAsync(q => q.UseStorage("NoRegistry", _ => storage).Configure(o => o.RunWorker = false));
        await host.Client.EnqueueAsync(new RecordArgs("unserved, unknown"), new EnqueueOptions { Queue = "emails" });

        HealthReportEntry entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Healthy, entry.Description);
        entry.Data["hosts.error"].Should().Be("host registry unreadable (test)");
        entry.Data.Should().ContainKey("queue.emails.ready").And.NotContainKey("queue.emails.hosts");
    }

    [Fact]
    public void AddJobQueue_LatencyNotPositive_ThrowsNamingTheOption()
    {
        var services = new ServiceCollection();

        Action act = () => services.AddHealthChecks().AddJobQueue(o => o.QueueLatencyDegraded = TimeSpan.Zero);

        act.Should().Throw<ArgumentException>().WithMessage("*QueueLatencyDegraded*must be positive*");
    }

    private Task<TestHost> StartAsync(Action<JobQueueBuilder> store, Action<IServiceCollection>? services = null,
        Action<JobQueueHealthCheckOptions>? configure = null)
        => TestHost.StartAsync(
            q =>
            {
                store(q);
                q.AddTestJobs();
            },
            s =>
            {
                s.AddSingleton(_probe);
                s.AddHealthChecks().AddJobQueue(configure);
                services?.Invoke(s);
            });

    private static async Task<HealthReportEntry> CheckAsync(TestHost host)
    {
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Deadline.Token());
        return report.Entries["jobqueue"];
    }

    /// <summary>A store whose host registry lists no host (as before any heartbeat is stored), or cannot be read.</summary>
    private sealed class HostRegistry(IJobStorage inner, bool fail) : DelegatingStorage(inner)
    {
        public override ValueTask<IReadOnlyList<HostHeartbeat>> GetHostsAsync(CancellationToken cancellationToken)
            => fail ? throw new IOException("host registry unreadable (test)") : ValueTask.FromResult<IReadOnlyList<HostHeartbeat>>([]);
    }

    /// <summary>A store whose ready-queue read fails (or never answers), as an unreachable server's would.</summary>
    private sealed class FailingReads(IJobStorage inner, bool hang) : DelegatingStorage(inner)
    {
        public override async ValueTask<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(CancellationToken cancellationToken)
        {
            if (hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            throw new IOException("connection refused (test)");
        }
    }
}
