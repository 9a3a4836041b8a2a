using JobQueue.TestSupport;
using JobQueue.TestSupport.Faults;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace JobQueue.Redis.Tests.Faults;

/// <summary>
/// Callers of the client on a network path to Redis that stalls: the connection stays open, nothing comes back. Each
/// call must fail with the client's time-out, not wait for the path to heal, however many callers wait at once.
/// </summary>
public sealed class RedisStalledPathTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int TimeoutMilliseconds = 1000;
    private const int Callers = 8;

    // StackExchange.Redis notices a time-out at its next heartbeat (once a second), so a call fails within about 2 s.
    // Callers that arrive while one call is in flight share the next call, which fails within as long again: 4 s,
    // and 10 s with room for a machine loaded by the other test classes running beside this one (6 s was seen to
    // fail there). Shorter than the stall, so a call that waits for the heal fails the test.
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_stall = TimeSpan.FromSeconds(13);

    private RedisServer _server = null!;
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync(restartable: true);
        _proxy = FaultProxy.Start("127.0.0.1", _server.Port);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task EnqueueAsync_ConcurrentCallersIntoStalledPath_EachFailsWithinTwoTimeoutsAndWorksAfterHeal()
    {
        string connection = $"127.0.0.1:{_proxy.Port},asyncTimeout={TimeoutMilliseconds},syncTimeout={TimeoutMilliseconds},connectTimeout={TimeoutMilliseconds}";
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(connection, o => o.KeyPrefix = "stall-" + Guid.NewGuid().ToString("N")).AddJob<TimedGateJob>().Configure(o => o.RunWorker = false),
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

        JobId after = await EnqueueOnceReconnectedAsync(host);

        output.WriteLine(string.Join('\n', calls.Select(call => call.ToString())));
        calls.Should().OnlyContain(call => !call.Hung,
            $"every call into the stall fails within {s_bound.TotalSeconds} s (two time-outs and room for a loaded machine), however many callers wait; none waits for the heal");
        calls.Should().OnlyContain(call => call.Error is RedisTimeoutException, "each caller learns that the server did not answer in time");
        (await host.Client.GetAsync(after)).Should().NotBeNull("the client works again once the path heals, without a restart");
    }

    private static async Task<JobId> EnqueueOnceReconnectedAsync(TestHost host)
    {
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (true)
        {
            try
            {
                return await host.Client.EnqueueAsync(new TimedGateArgs(Callers + 1));
            }
            catch (Exception error) when (error is RedisException or RedisTimeoutException && !deadline.IsCancellationRequested)
            {
                // The client may have given up on the stalled connection and be making a new one: until it has, a
                // command times out in its backlog (1 s here). An application retrying a request would do the same.
                await Task.Delay(50, deadline.Token);
            }
        }
    }
}
