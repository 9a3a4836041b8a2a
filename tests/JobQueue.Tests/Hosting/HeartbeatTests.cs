using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Hosting;

/// <summary>A worker host's heartbeats in the store's host registry, through a real host.</summary>
public sealed class HeartbeatTests
{
    private readonly Probe _probe = new();
    private readonly InMemoryJobStorage _store = new(new InMemoryStorageOptions());

    [Fact]
    public async Task Heartbeat_JobRunning_ReportsItPerQueueAndTheHostLeavesTheRegistryWhenItStops()
    {
        var beats = new Heartbeats(_store);
        await using TestHost host = await StartAsync(beats);
        IJobAdmin admin = host.Services.GetRequiredService<IJobAdmin>();
        await host.Client.EnqueueAsync(new GateArgs("busy"), new EnqueueOptions { Queue = "tickets" });
        await _probe.WaitAsync("busy:started");

        HostHeartbeat busy = await Deadline.Within(beats.FirstAsync(h => h.Running == 1), "a heartbeat reporting the running job");
        HostInfo listed = (await admin.GetHostsAsync()).Single();
        _probe.Open("busy");
        await host.StopAsync();
        IReadOnlyList<HostHeartbeat> afterStop = await _store.GetHostsAsync(default);

        busy.Queues.Should().BeEquivalentTo(
            [
                new HostQueue { Queue = "default", Concurrency = 10, Running = 0, Paused = false },
                new HostQueue { Queue = "tickets", Concurrency = 3, Running = 1, Paused = false },
            ],
            o => o.WithStrictOrdering());
        busy.ProcessId.Should().Be(Environment.ProcessId);
        busy.MachineName.Should().Be(Environment.MachineName);
        busy.Interval.Should().Be(TimeSpan.FromMilliseconds(50));
        listed.Status.Should().Be(HostStatus.Alive);
        listed.Id.Should().Be(busy.HostId);
        afterStop.Should().BeEmpty("a host that stops gracefully removes its record at once");
    }

    [Fact]
    public async Task Start_RecordOfAHostGoneForAnHour_IsPrunedWhileTheLiveHostStays()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        HostHeartbeat dead = new()
        {
            HostId = "dead-host", MachineName = "old-machine", ProcessId = 1, StartedAt = now.AddHours(-3), Version = "0.9.0",
            Queues = [], Running = 0, Interval = TimeSpan.FromSeconds(10), SeenAt = now.AddHours(-2), ExpiresAt = now.AddMinutes(-59),
        };
        await _store.RecordHeartbeatAsync(dead, default);
        var beats = new Heartbeats(_store);

        await using TestHost host = await StartAsync(beats);
        int pruned = await Deadline.Within(beats.PrunedAsync, "the host's first prune of the host registry");
        await Deadline.Within(beats.FirstAsync(_ => true), "the live host's first heartbeat");
        IReadOnlyList<HostInfo> hosts = await host.Services.GetRequiredService<IJobAdmin>().GetHostsAsync();

        pruned.Should().Be(1);
        hosts.Should().ContainSingle().Which.Id.Should().NotBe("dead-host");
    }

    private async Task<TestHost> StartAsync(IJobStorage storage) => await TestHost.StartAsync(
        q =>
        {
            q.UseStorage("Shared", _ => storage);
            q.Configure(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
            });
            q.AddQueue("tickets", concurrency: 3);
            q.AddTestJobs();
        },
        s => s.AddSingleton(_probe));

    /// <summary>Hands the test the heartbeats the host writes, and what its first prune deleted.</summary>
    private sealed class Heartbeats(IJobStorage inner) : DelegatingStorage(inner)
    {
        private readonly Lock _lock = new();
        private readonly List<(Func<HostHeartbeat, bool> Match, TaskCompletionSource<HostHeartbeat> Found)> _waiting = [];
        private readonly List<HostHeartbeat> _written = [];
        private readonly TaskCompletionSource<int> _pruned = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<int> PrunedAsync => _pruned.Task;

        public Task<HostHeartbeat> FirstAsync(Func<HostHeartbeat, bool> match)
        {
            lock (_lock)
            {
                var found = new TaskCompletionSource<HostHeartbeat>(TaskCreationOptions.RunContinuationsAsynchronously);
                HostHeartbeat? already = _written.FirstOrDefault(match);
                if (already is not null)
                {
                    found.SetResult(already);
                }
                else
                {
                    _waiting.Add((match, found));
                }

                return found.Task;
            }
        }

        public override async ValueTask RecordHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken)
        {
            await base.RecordHeartbeatAsync(heartbeat, cancellationToken);
            lock (_lock)
            {
                _written.Add(heartbeat);
                foreach ((Func<HostHeartbeat, bool> match, TaskCompletionSource<HostHeartbeat> found) in _waiting.Where(w => w.Match(heartbeat)).ToArray())
                {
                    found.TrySetResult(heartbeat);
                }
            }
        }

        public override async ValueTask<int> PruneHostsAsync(PruneHostsRequest request, CancellationToken cancellationToken)
        {
            int pruned = await base.PruneHostsAsync(request, cancellationToken);
            _pruned.TrySetResult(pruned);
            return pruned;
        }
    }
}
