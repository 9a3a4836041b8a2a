using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JobQueue.Postgres.Tests.Hosting;

/// <summary>Worker hosts on PostgreSQL ride out a server restart: they log, back off, resume, and lose no job.</summary>
public sealed class ServerRestartTests
{
    [Fact]
    public async Task WorkerHosts_ServerRestartsMidRun_EveryJobSucceeds()
    {
        await using PostgresServer server = await PostgresServer.StartAsync(owned: true);
        string schema = PostgresTestStore.NewSchema();
        var probe = new Probe();
        await using TestHost first = await StartWorkerAsync(server, schema, probe);
        await using TestHost second = await StartWorkerAsync(server, schema, probe);
        JobId inFlight = await first.Client.EnqueueAsync(new GateArgs("held"));
        IReadOnlyList<JobId> before = await first.Client.EnqueueManyAsync(Enumerable.Range(0, 20).Select(i => new RecordArgs($"before-{i}")));
        await probe.WaitAsync("held:started");

        // The job in flight finishes while the server is down: its outcome cannot be written, so it is retried
        // through the lease (at-least-once), never lost.
        await server.StopAsync();
        probe.Open("held");
        await server.StartAgainAsync();
        IReadOnlyList<JobId> after = await RetryAsync(() => second.Client.EnqueueManyAsync(
            Enumerable.Range(0, 20).Select(i => new RecordArgs($"after-{i}"))).AsTask());

        foreach (JobId id in before.Concat(after).Append(inFlight))
        {
            JobInfo info = await RetryAsync(() => first.WaitAsync(id));
            info.State.Should().Be(JobState.Succeeded, "job {0} must survive the restart", id);
        }
    }

    private static Task<TestHost> StartWorkerAsync(PostgresServer server, string schema, Probe probe) => TestHost.StartAsync(
        q => q
            .UsePostgres(server.ConnectionString, o => { o.Schema = schema; o.MaxReconnectDelay = TimeSpan.FromMilliseconds(500); })
            .AddTestJobs()
            .Configure(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(100);
                o.RescueInterval = TimeSpan.FromMilliseconds(200);
                o.LeaseDuration = TimeSpan.FromSeconds(2);
            }),
        s => s.AddSingleton(probe));

    private static async Task<T> RetryAsync<T>(Func<Task<T>> action)
    {
        // Connections pooled before the restart fail once each on first use; the caller retries, as an app would.
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (true)
        {
            try
            {
                return await action();
            }
            catch (NpgsqlException) when (!deadline.IsCancellationRequested)
            {
                await Task.Yield();
            }
        }
    }
}
