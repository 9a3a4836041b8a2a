using JobQueue.TestSupport;
using JobQueue.TestSupport.Faults;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace JobQueue.Postgres.Tests.Faults;

/// <summary>
/// Callers of the client on a network path to PostgreSQL that stalls: the connection stays open, nothing comes back.
/// Each call must fail with the driver's time-outs, not wait for the path to heal, however many callers wait at once.
/// </summary>
public sealed class PostgresStalledPathTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Callers = 8;

    // A command stuck on a stalled connection fails after its command time-out plus twice the connect time-out (Npgsql
    // cancels it over a connection of its own, which the stall holds too): 1 + 2 × 1 = 3 s, measured.
    private const int CommandTimeoutSeconds = 1;
    private const int ConnectTimeoutSeconds = 1;

    // Callers that arrive while one call is in flight share the next call, which fails within as long again: 6 s, and
    // 9 s with room for a loaded machine. Shorter than the stall, so a call that waits for the heal fails the test.
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(9);
    private static readonly TimeSpan s_stall = TimeSpan.FromSeconds(11);

    private PostgresServer _server = null!;
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        var direct = new NpgsqlConnectionStringBuilder(_server.ConnectionString);
        _proxy = FaultProxy.Start(direct.Host!, direct.Port);
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task EnqueueAsync_ConcurrentCallersIntoStalledPath_EachFailsWithinTwoTimeoutsAndWorksAfterHeal()
    {
        string connection = new NpgsqlConnectionStringBuilder(_server.ConnectionString)
        {
            Host = "127.0.0.1",
            Port = _proxy.Port,
            CommandTimeout = CommandTimeoutSeconds,
            Timeout = ConnectTimeoutSeconds,
        }.ConnectionString;
        string schema = PostgresTestStore.NewSchema();
        await using TestHost host = await TestHost.StartAsync(
            q => q.UsePostgres(connection, o => o.Schema = schema).AddJob<TimedGateJob>().Configure(o => o.RunWorker = false),
            s => s.AddSingleton(new RunTimeline()));
        await host.Client.EnqueueAsync(new TimedGateArgs(0));

        StalledCall[] calls;
        _proxy.Stall();
        try
        {
            // The stall's length, not a wait for work.
            Task stall = Task.Delay(s_stall);
            calls = await StalledCall.RunManyAsync(Callers, n => host.Client.EnqueueAsync(new TimedGateArgs(1 + n)).AsTask(), s_bound);
            await stall;
        }
        finally
        {
            _proxy.Heal();
        }

        JobId after = await EnqueueAfterHealAsync(host);

        output.WriteLine(string.Join('\n', calls.Select(call => call.ToString())));
        calls.Should().OnlyContain(call => !call.Hung,
            $"every call into the stall fails within {s_bound.TotalSeconds} s (two time-outs), however many callers wait; none waits for the heal");
        calls.Should().OnlyContain(call => call.Error is NpgsqlException, "each caller learns that the server did not answer, from the driver's own exception");
        (await host.Client.GetAsync(after)).Should().NotBeNull("the client works again once the path heals, without a restart");
    }

    /// <summary>
    /// Enqueues once the path healed. A pooled connection the stall broke may fail once when it is next used, as it
    /// would for any application; the call is made again then, a few times at most.
    /// </summary>
    private async Task<JobId> EnqueueAfterHealAsync(TestHost host)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await Deadline.Within(host.Client.EnqueueAsync(new TimedGateArgs(Callers + 1)).AsTask(), "an enqueue after the heal");
            }
            catch (NpgsqlException e) when (attempt < 3)
            {
                output.WriteLine($"enqueue after the heal, attempt {attempt}: {e.GetType().Name}: {e.Message}");
            }
        }
    }
}
