using System.Net;
using JobQueue.Redis.Scripts;
using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using static JobQueue.Redis.Tests.StoreRequests;

namespace JobQueue.Redis.Tests.Cluster;

/// <summary>
/// The store on a Redis Cluster whose layout changes under it: a slot that moves to another node, and prefixes
/// whose scripts must be loaded on different nodes.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterStoreTests
{
    private readonly RedisClusterFixture _fixture;

    public RedisClusterStoreTests(RedisClusterFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Storage_SlotMovedToAnotherNodeMidUse_CompletesLeasedJobsAndFetchesTheRest()
    {
        (string prefix, int slot, int owner, int target) = await _fixture.NewPrefixAsync(Deadline.Token());
        RedisJobStorage storage = RedisStores.Create(_fixture.Cluster.ConnectionString, prefix);
        await using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync(_fixture.Cluster.ConnectionString + ",allowAdmin=true");
        try
        {
            NewJob[] jobs = [.. Enumerable.Range(0, 10).Select(_ => Job())];
            await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = T0 }, Deadline.Token());
            FetchRequest first = Fetch(4);
            IReadOnlyList<StoredJob> leasedBefore = await storage.FetchAsync(first, Deadline.Token());

            await MoveSlotAsync(admin, slot, owner, target);
            IReadOnlyList<bool> completedLeased = await storage.CompleteAsync(
                [.. leasedBefore.Select(j => new JobCompletion { Id = j.Id, LeaseToken = first.LeaseToken, Now = T0 })], Deadline.Token());
            FetchRequest second = Fetch(10);
            IReadOnlyList<StoredJob> leasedAfter = await storage.FetchAsync(second, Deadline.Token());
            IReadOnlyList<bool> completedRest = await storage.CompleteAsync(
                [.. leasedAfter.Select(j => new JobCompletion { Id = j.Id, LeaseToken = second.LeaseToken, Now = T0 })], Deadline.Token());
            IReadOnlyList<QueueStatistics> statistics = await storage.GetQueueStatisticsAsync(Deadline.Token());
            int ownerAfterwards = await _fixture.Cluster.OwnerOfAsync(slot, Deadline.Token());
            long keysOnTarget = (long)await admin.GetServer(Endpoint(target)).ExecuteAsync("CLUSTER", "COUNTKEYSINSLOT", slot);

            ownerAfterwards.Should().Be(target);
            keysOnTarget.Should().BePositive("the store's keys moved with the slot");
            leasedBefore.Select(j => j.Id).Should().Equal(jobs.Take(4).Select(j => j.Id));
            completedLeased.Should().Equal(true, true, true, true);
            leasedAfter.Select(j => j.Id).Should().Equal(jobs.Skip(4).Select(j => j.Id));
            completedRest.Should().HaveCount(6).And.OnlyContain(ok => ok);
            statistics.Should().ContainSingle().Which.Succeeded.Should().Be(10);
        }
        finally
        {
            await RedisStores.DisposeAsync(storage);
        }
    }

    [Fact]
    public async Task Storage_TwoStoresOnOneMultiplexerWithPrefixesOnDifferentNodes_LoadScriptsOnEachNodeAndRunJobs()
    {
        (string firstPrefix, _, int firstOwner, _) = await _fixture.NewPrefixAsync(Deadline.Token());
        (string secondPrefix, int secondOwner) = await PrefixOwnedByOtherThanAsync(firstOwner);
        await using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync(_fixture.Cluster.ConnectionString + ",allowAdmin=true");
        await using ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(_fixture.Cluster.ConnectionString);
        RedisJobStorage first = Shared(multiplexer, firstPrefix);
        RedisJobStorage second = Shared(multiplexer, secondPrefix);
        try
        {
            // No node knows a script: each store's first calls must load them on its own prefix's node, through
            // one multiplexer that keeps what it loaded per node.
            foreach (int port in _fixture.Cluster.Ports)
            {
                await admin.GetServer(Endpoint(port)).ScriptFlushAsync();
            }

            bool firstRan = await RunOneJobAsync(first);
            bool secondRan = await RunOneJobAsync(second);
            bool onFirstOwner = await admin.GetServer(Endpoint(firstOwner)).ScriptExistsAsync(RedisScripts.Fetch.Hash);
            bool onSecondOwner = await admin.GetServer(Endpoint(secondOwner)).ScriptExistsAsync(RedisScripts.Fetch.Hash);

            firstRan.Should().BeTrue();
            secondRan.Should().BeTrue();
            onFirstOwner.Should().BeTrue();
            onSecondOwner.Should().BeTrue();
        }
        finally
        {
            await RedisStores.DisposeAsync(first);
            await RedisStores.DisposeAsync(second);
        }
    }

    /// <summary>
    /// Moves <paramref name="slot"/> and every key in it from <paramref name="from"/> to <paramref name="to"/>, as
    /// <c>redis-cli --cluster reshard</c> does: importing and migrating states, MIGRATE of the keys, then the new
    /// owner told to every node (the target first, so the slot is never ownerless).
    /// </summary>
    private async Task MoveSlotAsync(ConnectionMultiplexer admin, int slot, int from, int to)
    {
        IServer source = admin.GetServer(Endpoint(from));
        IServer destination = admin.GetServer(Endpoint(to));
        string sourceId = await RedisCluster.NodeIdAsync(from, Deadline.Token());
        string destinationId = await RedisCluster.NodeIdAsync(to, Deadline.Token());

        ((string?)await destination.ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId)).Should().Be("OK");
        ((string?)await source.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", destinationId)).Should().Be("OK");
        while (true)
        {
            RedisValue[] keys = (RedisValue[])(await source.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 1000))!;
            if (keys.Length == 0)
            {
                break;
            }

            // MIGRATE host port "" db timeout KEYS k1 k2 ...: the empty key means "the keys that follow".
            object[] migrate = ["127.0.0.1", to, string.Empty, 0, 5000, "KEYS", .. keys.Select(k => (object)(string)k!)];
            ((string?)await source.ExecuteAsync("MIGRATE", migrate)).Should().Be("OK");
        }

        foreach (int port in new[] { to, from }.Concat(_fixture.Cluster.Ports.Where(p => p != to && p != from)))
        {
            ((string?)await admin.GetServer(Endpoint(port)).ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", destinationId)).Should().Be("OK");
        }
    }

    private static async Task<bool> RunOneJobAsync(RedisJobStorage storage)
    {
        NewJob job = Job();
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = T0 }, Deadline.Token());
        FetchRequest fetch = Fetch(1);
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(fetch, Deadline.Token());
        IReadOnlyList<bool> completed = await storage.CompleteAsync([new JobCompletion { Id = job.Id, LeaseToken = fetch.LeaseToken, Now = T0 }], Deadline.Token());
        return leased.Count == 1 && leased[0].Id == job.Id && completed.SequenceEqual([true]);
    }

    private static RedisJobStorage Shared(IConnectionMultiplexer multiplexer, string prefix)
        => new(RedisConnection.Share(multiplexer, NullLogger.Instance), new RedisStorageOptions { KeyPrefix = prefix });

    private async Task<(string Prefix, int Owner)> PrefixOwnedByOtherThanAsync(int port)
    {
        // Two thirds of prefixes qualify, so this ends after a few tries.
        while (true)
        {
            (string prefix, _, int owner, _) = await _fixture.NewPrefixAsync(Deadline.Token());
            if (owner != port)
            {
                return (prefix, owner);
            }
        }
    }

    private static EndPoint Endpoint(int port) => new IPEndPoint(IPAddress.Loopback, port);
}
