using JobQueue.TestSupport;
using JobQueue.TestSupport.Faults;
using Npgsql;
using Xunit.Abstractions;

namespace JobQueue.Postgres.Tests.Faults;

/// <summary>
/// The worker host on PostgreSQL through a fault proxy, with faults injected in turn into one running host: every
/// backend of the store terminated (again and again), the network path stalled (shorter, then longer than a stuck
/// command takes to fail), its connections reset, and latency added. After each: no job lost, only jobs in flight
/// during the fault run twice, and the host works again by itself.
/// </summary>
public sealed class PostgresFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Shorter than Npgsql's defaults (30 s per command, 15 s to connect), as an application that wants a stalled
    // path noticed in seconds would set them. A command stuck on a stalled connection fails after its command time-out
    // plus twice the connect time-out (Npgsql then cancels it over a connection of its own, which the stall holds too):
    // 5 + 2 × 2 = 9 s here, measured. The command time-out is longer than the lease (3 s), so a fetch sent into an
    // outage can be answered when it ends with leases that have already lapsed, and the engine must renew them
    // before it starts the jobs (see FaultPhase.SlowJobs).
    private const int CommandTimeoutSeconds = 5;
    private const int ConnectTimeoutSeconds = 2;

    // How long an enqueue sent into the stall may take to fail: the 9 s above with room for a loaded machine; and
    // shorter than the stall, so an enqueue that waits for the heal instead of timing out cannot pass.
    private static readonly TimeSpan s_stalledCallBound = TimeSpan.FromSeconds(12);

    // Longer than the stalled enqueue's bound, and over four leases: every kind of call the host makes fails (those
    // pending at the stall after 9 s, those on connections opened during it at their 2 s connect time-out), and the
    // leases of the jobs in flight lapse.
    private static readonly TimeSpan s_stall = TimeSpan.FromSeconds(14);

    // Shorter than a stalled command takes to fail (9 s) and longer than the lease: the calls pending at the stall are
    // answered when it ends, the fetch among them with leases that lapsed meanwhile.
    private static readonly TimeSpan s_shortStall = TimeSpan.FromSeconds(6);

    private readonly string _applicationName = "jobqueue-faults-" + Guid.NewGuid().ToString("N")[..8];
    private PostgresServer _server = null!;
    private FaultProxy _proxy = null!;
    private NpgsqlDataSource _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        var direct = new NpgsqlConnectionStringBuilder(_server.ConnectionString);
        _proxy = FaultProxy.Start(direct.Host!, direct.Port);

        // Straight to the server, never through the proxy: the test's own connection must survive the faults.
        _admin = NpgsqlDataSource.Create(_server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task WorkerHost_EachFaultInTurn_RecoversNoJobLostOnlyInFlightRunTwice()
    {
        string schema = PostgresTestStore.NewSchema();
        await using FaultSuite suite = await FaultSuite.StartAsync(q => q.UsePostgres(ProxiedConnectionString(), o => o.Schema = schema));
        var terminated = new List<int>();
        StalledCall? stalledEnqueue = null;
        var results = new List<FaultPhaseResult>();

        results.Add(await RunAsync(suite, FaultPhase.Repeated("every backend terminated 3 times, 1 s apart", 3, TimeSpan.FromSeconds(1),
            async () => terminated.Add(await TerminateBackendsAsync()))));
        results.Add(await RunAsync(suite, FaultPhase.Lasting($"path stalled {s_shortStall.TotalSeconds} s", s_shortStall, Stall, Heal)));
        results.Add(await RunAsync(suite, new FaultPhase
        {
            Name = $"path stalled {s_stall.TotalSeconds} s",
            StartAsync = Stall,
            HoldAsync = async () =>
            {
                // The stall's length, not a wait for work.
                Task stall = Task.Delay(s_stall);
                stalledEnqueue = await StalledCall.RunAsync(suite.EnqueueProbeAsync, s_stalledCallBound);
                await stall;
            },
            EndAsync = Heal,
        }));
        results.Add(await RunAsync(suite, FaultPhase.Repeated("every connection reset 4 times, 0.5 s apart", 4, TimeSpan.FromMilliseconds(500),
            () => Task.FromResult(_proxy.ResetAll()))));
        results.Add(await RunAsync(suite, FaultPhase.Lasting("30 ms added to every chunk for 4 s", TimeSpan.FromSeconds(4),
            () =>
            {
                _proxy.Delay(TimeSpan.FromMilliseconds(30));
                return Task.CompletedTask;
            },
            Heal) with { IsOutage = false }));

        output.WriteLine($"backends terminated per strike: [{string.Join(", ", terminated)}]; enqueue into the stall: {stalledEnqueue}; " +
            $"proxy: {_proxy.ConnectionsAccepted} connections accepted, {_proxy.ConnectionsReset} reset");
        results.Sum(result => result.Jobs.Count).Should().BeGreaterThanOrEqualTo(3000, "the suite's workload is at least 3,000 jobs");
        terminated.Should().OnlyContain(count => count > 0, "every strike finds backends of the store to terminate, or it tested nothing");
        stalledEnqueue.Should().NotBeNull();
        stalledEnqueue!.Hung.Should().BeFalse($"an enqueue on a stalled path fails within {s_stalledCallBound.TotalSeconds} s (its command time-out), it does not wait for the heal");
        stalledEnqueue.Error.Should().NotBeNull("nothing answers on a stalled path, so the enqueue cannot succeed")
            .And.BeAssignableTo<NpgsqlException>("the caller learns the store did not answer, from the driver's own exception");
    }

    private Task Stall()
    {
        _proxy.Stall();
        return Task.CompletedTask;
    }

    private Task Heal()
    {
        _proxy.Heal();
        return Task.CompletedTask;
    }

    /// <summary>Runs one fault, writes its timeline to the test output, and checks it.</summary>
    private async Task<FaultPhaseResult> RunAsync(FaultSuite suite, FaultPhase phase)
    {
        FaultPhaseResult result = await suite.RunAsync(phase);
        output.WriteLine(result.Describe() + "\n");
        Action check = () => FaultAssertions.RecoveredNothingLostOnlyInFlightRepeated(result);
        check.Should().NotThrow();
        return result;
    }

    /// <summary>The shared server's connection string, through the proxy, named so the test can find its backends, with short time-outs.</summary>
    private string ProxiedConnectionString() => new NpgsqlConnectionStringBuilder(_server.ConnectionString)
    {
        Host = "127.0.0.1",
        Port = _proxy.Port,
        ApplicationName = _applicationName,
        Timeout = ConnectTimeoutSeconds,
        CommandTimeout = CommandTimeoutSeconds,
    }.ConnectionString;

    /// <summary>Terminates every backend of the store (pooled connections and the listener), as a DBA or a failover would.</summary>
    private async Task<int> TerminateBackendsAsync()
    {
        await using NpgsqlCommand command = _admin.CreateCommand(
            "SELECT count(*)::int FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) AS terminated");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _applicationName });
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
