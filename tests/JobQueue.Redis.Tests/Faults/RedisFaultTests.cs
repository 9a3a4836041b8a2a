using JobQueue.TestSupport;
using JobQueue.TestSupport.Faults;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace JobQueue.Redis.Tests.Faults;

/// <summary>
/// The worker host on Redis through a fault proxy, with faults injected in turn into one running host: the server
/// frozen (SIGSTOP), the network path stalled, its connections reset, and latency added. After each: no job lost,
/// only jobs in flight during the fault run twice, and the host works again by itself.
/// </summary>
public sealed class RedisFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    // StackExchange.Redis's own default, written out because the test's bounds rest on it: longer than the lease
    // (3 s), so a fetch sent into an outage can be answered when it ends with leases that have already lapsed, and
    // the engine must renew them before it starts the jobs (see FaultPhase.SlowJobs).
    private const int TimeoutMilliseconds = 5000;

    // Twice the command time-out and over three leases: every kind of call the host makes times out at least once and
    // is sent again while the fault lasts, and the leases of the jobs in flight lapse.
    private static readonly TimeSpan s_outage = TimeSpan.FromSeconds(10);

    // How long an enqueue sent into the stall may take to fail: its 5 s time-out, noticed at the client's next
    // heartbeat (within a second), with room for a loaded machine;
    // and shorter than the stall, so an enqueue that waits for the heal instead of timing out cannot pass.
    private static readonly TimeSpan s_stalledCallBound = TimeSpan.FromSeconds(8);

    private RedisServer _server = null!;
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        // A server of the test's own: it freezes it.
        _server = await RedisServer.StartAsync(restartable: true);
        _proxy = FaultProxy.Start("127.0.0.1", _server.Port);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task WorkerHost_EachFaultInTurn_RecoversNoJobLostOnlyInFlightRunTwice()
    {
        string connection = $"127.0.0.1:{_proxy.Port},asyncTimeout={TimeoutMilliseconds},syncTimeout={TimeoutMilliseconds},connectTimeout={TimeoutMilliseconds}";
        await using FaultSuite suite = await FaultSuite.StartAsync(q => q.UseRedis(connection, o => o.KeyPrefix = "faults-" + Guid.NewGuid().ToString("N")));
        StalledCall? stalledEnqueue = null;
        var results = new List<FaultPhaseResult>();

        results.Add(await RunAsync(suite, FaultPhase.Lasting($"server frozen {s_outage.TotalSeconds} s (SIGSTOP)", s_outage,
            _server.FreezeAsync, _server.ThawAsync)));
        results.Add(await RunAsync(suite, new FaultPhase
        {
            Name = $"path stalled {s_outage.TotalSeconds} s",
            StartAsync = () =>
            {
                _proxy.Stall();
                return Task.CompletedTask;
            },
            HoldAsync = async () =>
            {
                // The stall's length, not a wait for work.
                Task stall = Task.Delay(s_outage);
                stalledEnqueue = await StalledCall.RunAsync(suite.EnqueueProbeAsync, s_stalledCallBound);
                await stall;
            },
            EndAsync = () =>
            {
                _proxy.Heal();
                return Task.CompletedTask;
            },
        }));
        results.Add(await RunAsync(suite, FaultPhase.Repeated("every connection reset 4 times, 0.5 s apart", 4, TimeSpan.FromMilliseconds(500),
            () => Task.FromResult(_proxy.ResetAll()))));
        results.Add(await RunAsync(suite, FaultPhase.Lasting("30 ms added to every chunk for 4 s", TimeSpan.FromSeconds(4),
            () =>
            {
                _proxy.Delay(TimeSpan.FromMilliseconds(30));
                return Task.CompletedTask;
            },
            () =>
            {
                _proxy.Heal();
                return Task.CompletedTask;
            }) with { IsOutage = false }));

        output.WriteLine($"enqueue into the stall: {stalledEnqueue}; proxy: {_proxy.ConnectionsAccepted} connections accepted, {_proxy.ConnectionsReset} reset");
        results.Sum(result => result.Jobs.Count).Should().BeGreaterThanOrEqualTo(3000, "the suite's workload is at least 3,000 jobs");
        stalledEnqueue.Should().NotBeNull();
        stalledEnqueue!.Hung.Should().BeFalse($"an enqueue on a stalled path fails within {s_stalledCallBound.TotalSeconds} s (its command time-out), it does not wait for the heal");
        stalledEnqueue.Error.Should().NotBeNull("nothing answers on a stalled path, so the enqueue cannot succeed")
            .And.BeAssignableTo<RedisTimeoutException>("the caller learns the server did not answer in time, from the client's own exception");
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
}
