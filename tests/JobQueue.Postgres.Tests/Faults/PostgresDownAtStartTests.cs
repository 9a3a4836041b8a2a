using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace JobQueue.Postgres.Tests.Faults;

/// <summary>
/// An application whose PostgreSQL is down when it starts: it starts anyway, an enqueue fails with an error naming
/// the server, the schema is created in the background once the server answers, and work begins by itself.
/// </summary>
public sealed class PostgresDownAtStartTests
{
    [Fact]
    public async Task WorkerHost_PostgresDownWhenApplicationStarts_StartsFailsEnqueuesThenMigratesAndRunsJobsOnceUp()
    {
        await using PostgresServer server = await PostgresServer.StartAsync(owned: true);
        string schema = PostgresTestStore.NewSchema();
        int port = new NpgsqlConnectionStringBuilder(server.ConnectionString).Port;
        await server.StopAsync();
        var probe = new Probe();

        // Before, the schema migration at startup threw and the whole application refused to start.
        await using TestHost host = await Deadline.Within(TestHost.StartAsync(
            q => q.UsePostgres(server.ConnectionString, o => o.Schema = schema)
                .AddTestJobs()
                .Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(100)),
            s => s.AddSingleton(probe).AddHealthChecks().AddJobQueue()), "the application's start while PostgreSQL is down");
        Func<Task> early = () => host.Client.EnqueueAsync(new RecordArgs("early")).AsTask();
        NpgsqlException refused = (await early.Should().ThrowAsync<NpgsqlException>()).Which;
        HealthReport down = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await server.StartAgainAsync();
        JobId id = await EnqueueOnceReachableAsync(host);
        JobInfo job = await host.WaitAsync(id);
        HealthReport up = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        refused.Message.Should().Contain($"127.0.0.1:{port}", "the error names the server it could not reach");
        job.State.Should().Be(JobState.Succeeded, "the schema is created and work begins once the server answers, without a restart");
        probe.Count("early").Should().Be(0);
        down.Status.Should().Be(HealthStatus.Unhealthy, "the health check reports the store unreachable");
        down.Entries["jobqueue"].Description.Should().Contain("cannot be reached");
        up.Status.Should().Be(HealthStatus.Healthy, "and reports it back once it answers");
        await host.Logs.WaitForAsync(e => e.EventId.Id == 5104, "the host to say the schema waits for the server (5104)");
    }

    private static async Task<JobId> EnqueueOnceReachableAsync(TestHost host)
    {
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (true)
        {
            try
            {
                return await host.Client.EnqueueAsync(new RecordArgs("after"));
            }
            catch (NpgsqlException) when (!deadline.IsCancellationRequested)
            {
                // Connections pooled before the server came back fail once each; the caller retries, as an app would.
                await Task.Yield();
            }
        }
    }
}
