using JobQueue.Admin;
using JobQueue.Hosting;
using JobQueue.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task RecordHeartbeatAsync_NewHost_ListedAsWritten()
    {
        HostHeartbeat heartbeat = Heartbeat("web-1/42/ab12cd34", At(1_000)) with
        {
            Queues =
            [
                new HostQueue { Queue = "tickets", Concurrency = 4, Running = 3, Paused = false },
                new HostQueue { Queue = "mail \"urgent\" ü", Concurrency = 2, Running = 0, Paused = true },
                new HostQueue { Queue = DefaultQueue, Concurrency = 10, Running = 1, Paused = false },
            ],
            Running = 4,
        };

        await Storage.RecordHeartbeatAsync(heartbeat, Ct);
        IReadOnlyList<HostHeartbeat> hosts = await Storage.GetHostsAsync(Ct);

        hosts.Should().ContainSingle();
        hosts[0].Should().BeEquivalentTo(heartbeat, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task RecordHeartbeatAsync_SameHostAgain_ReplacesItsRecord()
    {
        await Storage.RecordHeartbeatAsync(Heartbeat("host-a", At(1_000)), Ct);
        HostHeartbeat later = Heartbeat("host-a", At(11_000)) with
        {
            Queues = [new HostQueue { Queue = "mail", Concurrency = 1, Running = 1, Paused = true }],
            Running = 1,
        };

        await Storage.RecordHeartbeatAsync(later, Ct);
        IReadOnlyList<HostHeartbeat> hosts = await Storage.GetHostsAsync(Ct);

        hosts.Should().ContainSingle().Which.Should().BeEquivalentTo(later, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task GetHostsAsync_SeveralHosts_ByOrdinalIdWithoutQueuesWhenNone()
    {
        await Storage.RecordHeartbeatAsync(Heartbeat("b", At(1_000)), Ct);
        await Storage.RecordHeartbeatAsync(Heartbeat("B", At(2_000)), Ct);
        await Storage.RecordHeartbeatAsync(Heartbeat("a", At(3_000)) with { Queues = [] }, Ct);

        IReadOnlyList<HostHeartbeat> hosts = await Storage.GetHostsAsync(Ct);

        hosts.Select(h => h.HostId).Should().Equal("B", "a", "b");
        hosts[1].Queues.Should().BeEmpty();
        hosts[0].SeenAt.Should().Be(At(2_000));
    }

    [Fact]
    public async Task RemoveHostAsync_KnownAndUnknownHost_RemovesOnlyTheKnownOne()
    {
        await Storage.RecordHeartbeatAsync(Heartbeat("stopping", At(1_000)), Ct);
        await Storage.RecordHeartbeatAsync(Heartbeat("staying", At(1_000)), Ct);

        bool removed = await Storage.RemoveHostAsync(new RemoveHostRequest { HostId = "stopping" }, Ct);
        bool removedAgain = await Storage.RemoveHostAsync(new RemoveHostRequest { HostId = "stopping" }, Ct);

        removed.Should().BeTrue();
        removedAgain.Should().BeFalse();
        (await Storage.GetHostsAsync(Ct)).Select(h => h.HostId).Should().Equal("staying");
    }

    [Fact]
    public async Task PruneHostsAsync_SomeExpired_DeletesThoseNotAfterNowWithinTheLimit()
    {
        await Storage.RecordHeartbeatAsync(Heartbeat("old-1", At(0)) with { ExpiresAt = At(5_000) }, Ct);
        await Storage.RecordHeartbeatAsync(Heartbeat("old-2", At(0)) with { ExpiresAt = At(6_000) }, Ct);
        await Storage.RecordHeartbeatAsync(Heartbeat("at-now", At(0)) with { ExpiresAt = At(7_000) }, Ct);
        await Storage.RecordHeartbeatAsync(Heartbeat("alive", At(0)) with { ExpiresAt = At(7_001) }, Ct);

        int first = await Storage.PruneHostsAsync(new PruneHostsRequest { Now = At(7_000), Limit = 2 }, Ct);
        int second = await Storage.PruneHostsAsync(new PruneHostsRequest { Now = At(7_000), Limit = 2 }, Ct);
        int third = await Storage.PruneHostsAsync(new PruneHostsRequest { Now = At(7_000), Limit = 2 }, Ct);

        first.Should().Be(2);
        second.Should().Be(1);
        third.Should().Be(0);
        (await Storage.GetHostsAsync(Ct)).Select(h => h.HostId).Should().Equal("alive");
    }

    [Fact]
    public async Task PruneHostsAsync_HostBeatAgainAfterItsOldExpiry_IsKept()
    {
        await Storage.RecordHeartbeatAsync(Heartbeat("back", At(0)) with { ExpiresAt = At(5_000) }, Ct);
        await Storage.RecordHeartbeatAsync(Heartbeat("back", At(4_000)) with { ExpiresAt = At(9_000) }, Ct);

        int pruned = await Storage.PruneHostsAsync(new PruneHostsRequest { Now = At(6_000), Limit = 10 }, Ct);

        pruned.Should().Be(0, "the later heartbeat moved the expiry");
        (await Storage.GetHostsAsync(Ct)).Should().ContainSingle().Which.ExpiresAt.Should().Be(At(9_000));
    }

    [Fact]
    public async Task GetHostsAsync_HostMissesThreeHeartbeats_ListedGoneThenPrunedAnHourLater()
    {
        // The heartbeat as the host's writer makes it, and the liveness as the admin judges it, on one stopped clock.
        var time = new FakeTimeProvider(At(0));
        var options = new JobQueueOptions { HeartbeatInterval = TimeSpan.FromSeconds(10) };
        var pauses = new PauseWatcher(Storage, ["tickets"], options, time, NullLogger.Instance, diagnostics: null);
        var writer = new HeartbeatWriter(Storage, new Dictionary<string, int> { ["tickets"] = 4 }, new RunningJobs(), pauses, options, time,
            NullLogger.Instance, "host-1");
        var admin = new JobAdmin(Storage, time);

        await writer.BeatAsync(Ct);
        time.SetUtcNow(At(30_000));
        HostInfo afterThreeIntervals = (await admin.GetHostsAsync(Ct)).Single();
        time.SetUtcNow(At(30_001));
        HostInfo afterMore = (await admin.GetHostsAsync(Ct)).Single();
        DateTimeOffset anHourGone = At(30_000) + TimeSpan.FromHours(1);
        int prunedEarly = await Storage.PruneHostsAsync(new PruneHostsRequest { Now = anHourGone.AddMilliseconds(-1), Limit = 10 }, Ct);
        int prunedAfterAnHour = await Storage.PruneHostsAsync(new PruneHostsRequest { Now = anHourGone, Limit = 10 }, Ct);

        afterThreeIntervals.Should().BeEquivalentTo(new HostInfo
        {
            Id = "host-1",
            MachineName = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            StartedAt = At(0),
            Version = afterThreeIntervals.Version,
            Queues = [new HostQueueInfo { Name = "tickets", Concurrency = 4, Running = 0, Paused = false }],
            Running = 0,
            LastSeen = At(0),
            Status = HostStatus.Alive,
        });
        afterThreeIntervals.Version.Should().NotBeNullOrWhiteSpace().And.NotContain("+", "the version without its source revision");
        afterMore.Status.Should().Be(HostStatus.Gone, "the host missed three heartbeats");
        prunedEarly.Should().Be(0);
        prunedAfterAnHour.Should().Be(1);
        (await admin.GetHostsAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task GetHostsAsync_AliveAndGoneHosts_AliveFirstThenByMachineName()
    {
        await Storage.RecordHeartbeatAsync(Heartbeat("1", At(0)) with { MachineName = "a-gone" }, Ct);
        await Storage.RecordHeartbeatAsync(Heartbeat("2", At(50_000)) with { MachineName = "c-alive" }, Ct);
        await Storage.RecordHeartbeatAsync(Heartbeat("3", At(45_000)) with { MachineName = "b-alive" }, Ct);

        IReadOnlyList<HostInfo> hosts = await new JobAdmin(Storage, new FakeTimeProvider(At(60_000))).GetHostsAsync(Ct);

        hosts.Select(h => (h.MachineName, h.Status)).Should().Equal(("b-alive", HostStatus.Alive), ("c-alive", HostStatus.Alive), ("a-gone", HostStatus.Gone));
    }

    /// <summary>A heartbeat with every field set, seen at <paramref name="seenAt"/>, expiring a minute later.</summary>
    protected static HostHeartbeat Heartbeat(string hostId, DateTimeOffset seenAt) => new()
    {
        HostId = hostId,
        MachineName = "machine-" + hostId,
        ProcessId = 4242,
        StartedAt = T0.AddMinutes(-5),
        Version = "1.2.3",
        Queues = [new HostQueue { Queue = DefaultQueue, Concurrency = 10, Running = 2, Paused = false }],
        Running = 2,
        Interval = TimeSpan.FromSeconds(10),
        SeenAt = seenAt,
        ExpiresAt = seenAt.AddMinutes(1),
    };
}
