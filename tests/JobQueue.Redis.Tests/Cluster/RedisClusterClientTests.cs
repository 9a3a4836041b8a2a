using System.Globalization;
using JobQueue.Redis.Resp;
using JobQueue.Redis.Scripts;
using JobQueue.Testing;

namespace JobQueue.Redis.Tests.Cluster;

/// <summary>The RESP client on a real Redis Cluster: MOVED, ASK, seed endpoints, and the redirect limit.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterClientTests
{
    private readonly RedisClusterFixture _fixture;

    public RedisClusterClientTests(RedisClusterFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task SlotOf_HashTag_MatchesClusterKeySlot()
    {
        string tag = "jobqueue-" + Guid.NewGuid().ToString("N");

        string slot = await RedisCluster.CommandAsync(_fixture.Cluster.Ports[0], "CLUSTER KEYSLOT {" + tag + "}:jobs", Deadline.Token());

        RedisClusterFixture.SlotOf(tag).Should().Be(int.Parse(slot, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ExecuteAsync_NodeDoesNotOwnSlot_FollowsMovedToOwner()
    {
        (string prefix, _, int owner, int other) = await _fixture.NewPrefixAsync(Deadline.Token());
        await using var client = new RedisClient(RedisConnectionOptions.Parse(RedisCluster.Endpoint(other)));
        string key = "{" + prefix + "}:k";

        await client.ExecuteAsync(new RespCommand("SET").Add(key).Add("v"), Deadline.Token());
        RespValue value = await client.ExecuteAsync(new RespCommand("GET").Add(key), Deadline.Token());

        value.AsString().Should().Be("v");
        client.CurrentEndpoint.Should().Be(new RedisEndpoint("127.0.0.1", owner));
    }

    [Fact]
    public async Task ExecuteAsync_ManyCallersOnNonOwner_AllFollowOneMove()
    {
        (string prefix, _, int owner, int other) = await _fixture.NewPrefixAsync(Deadline.Token());
        await using var client = new RedisClient(RedisConnectionOptions.Parse(RedisCluster.Endpoint(other)));

        // Hundreds of commands in flight on the wrong node at once: every one is redirected, the client moves
        // once, and no caller sees a connection error from the connection left behind.
        Task<RespValue>[] calls = [.. Enumerable.Range(0, 500).Select(i => client.ExecuteAsync(new RespCommand("INCR").Add("{" + prefix + "}:n"), Deadline.Token()))];
        await Deadline.Within(Task.WhenAll(calls), "500 redirected INCRs");
        RespValue total = await client.ExecuteAsync(new RespCommand("GET").Add("{" + prefix + "}:n"), Deadline.Token());

        total.AsString().Should().Be("500");
        client.CurrentEndpoint.Should().Be(new RedisEndpoint("127.0.0.1", owner));
    }

    [Fact]
    public async Task EvalAsync_ScriptOnTwoNodes_LoadsScriptOnEachNodeItMovesTo()
    {
        (string first, _, int firstOwner, int other) = await _fixture.NewPrefixAsync(Deadline.Token());
        string second = await PrefixOwnedByOtherThanAsync(firstOwner);
        await using var client = new RedisClient(RedisConnectionOptions.Parse(RedisCluster.Endpoint(other)));
        var script = new RedisScript("test", "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1]) .. '" + Guid.NewGuid() + "'");

        RespValue a = await client.EvalAsync(script, ["{" + first + "}:k"], new RespCommand().Add("a"), Deadline.Token());
        RespValue b = await client.EvalAsync(script, ["{" + second + "}:k"], new RespCommand().Add("b"), Deadline.Token());

        a.AsString().Should().StartWith("a");
        b.AsString().Should().StartWith("b");
    }

    [Fact]
    public async Task Connect_FirstEndpointUnreachable_ConnectsToNextEndpoint()
    {
        string unreachable = RedisCluster.UnreachableEndpoint();
        int node = _fixture.Cluster.Ports[1];
        await using var client = new RedisClient(RedisConnectionOptions.Parse($"{unreachable},{RedisCluster.Endpoint(node)},connectTimeout=2000"));

        RespValue pong = await client.ExecuteAsync(new RespCommand("PING"), Deadline.Token());

        pong.AsString().Should().Be("PONG");
        client.CurrentEndpoint.Should().Be(new RedisEndpoint("127.0.0.1", node));
    }

    [Fact]
    public async Task Connect_NoEndpointReachable_ThrowsNamingEachEndpoint()
    {
        string first = RedisCluster.UnreachableEndpoint();
        string second = RedisCluster.UnreachableEndpoint();
        await using var client = new RedisClient(RedisConnectionOptions.Parse($"{first},{second}"));

        Func<Task> act = () => client.ExecuteAsync(new RespCommand("PING"), Deadline.Token());

        (await act.Should().ThrowAsync<RedisConnectionException>()).Which.Message.Should()
            .Contain("any of the 2 Redis endpoints").And.Contain(first).And.Contain(second);
    }

    [Fact]
    public async Task ExecuteAsync_SlotMigratingAndKeyNotOnOwner_AsksImportingNode()
    {
        (string prefix, int slot, int owner, int target) = await _fixture.NewPrefixAsync(Deadline.Token());
        await using var client = new RedisClient(RedisConnectionOptions.Parse(RedisCluster.Endpoint(owner)));
        string key = "{" + prefix + "}:k";
        await client.ExecuteAsync(new RespCommand("PING"), Deadline.Token());

        await MigrateAsync(slot, owner, target, importing: true, async () =>
        {
            // The key is on neither node: the owner answers ASK, and the importing node answers after ASKING.
            RespValue value = await client.ExecuteAsync(new RespCommand("GET").Add(key), Deadline.Token());

            value.IsNull.Should().BeTrue();
            client.CurrentEndpoint.Should().Be(new RedisEndpoint("127.0.0.1", owner), "ASK redirects one command, not the client");
        });
    }

    [Fact]
    public async Task ExecuteAsync_AskedNodeRedirectsBack_ThrowsNamingSlotAndNodes()
    {
        (string prefix, int slot, int owner, int target) = await _fixture.NewPrefixAsync(Deadline.Token());
        await using var client = new RedisClient(RedisConnectionOptions.Parse(RedisCluster.Endpoint(owner)));
        string key = "{" + prefix + "}:k";

        await MigrateAsync(slot, owner, target, importing: false, async () =>
        {
            // The owner says ASK the target; the target is not importing, so it says MOVED back to the owner.
            Func<Task> act = () => client.ExecuteAsync(new RespCommand("GET").Add(key), Deadline.Token());

            string message = (await act.Should().ThrowAsync<RedisClusterException>()).Which.Message;
            message.Should().Contain($"GET for slot {slot}").And.Contain($"{RedisClient.MaxRedirects + 1} times")
                .And.Contain(RedisCluster.Endpoint(owner) + " -> " + RedisCluster.Endpoint(target));
        });
        RespValue after = await client.ExecuteAsync(new RespCommand("GET").Add(key), Deadline.Token());

        after.IsNull.Should().BeTrue("the client is usable once the slot is stable again");
    }

    /// <summary>
    /// Marks <paramref name="slot"/> as migrating from <paramref name="owner"/> to <paramref name="target"/>
    /// (and importing on the target, if asked) while <paramref name="body"/> runs, then makes it stable again.
    /// </summary>
    private static async Task MigrateAsync(int slot, int owner, int target, bool importing, Func<Task> body)
    {
        string ownerId = await RedisCluster.NodeIdAsync(owner, Deadline.Token());
        string targetId = await RedisCluster.NodeIdAsync(target, Deadline.Token());
        string s = slot.ToString(CultureInfo.InvariantCulture);
        try
        {
            if (importing)
            {
                (await RedisCluster.CommandAsync(target, $"CLUSTER SETSLOT {s} IMPORTING {ownerId}", Deadline.Token())).Should().Be("OK");
            }

            (await RedisCluster.CommandAsync(owner, $"CLUSTER SETSLOT {s} MIGRATING {targetId}", Deadline.Token())).Should().Be("OK");
            await body();
        }
        finally
        {
            await RedisCluster.CommandAsync(owner, $"CLUSTER SETSLOT {s} STABLE", Deadline.Token());
            await RedisCluster.CommandAsync(target, $"CLUSTER SETSLOT {s} STABLE", Deadline.Token());
        }
    }

    private async Task<string> PrefixOwnedByOtherThanAsync(int port)
    {
        // Two thirds of prefixes qualify, so this ends after a few tries.
        while (true)
        {
            (string prefix, _, int owner, _) = await _fixture.NewPrefixAsync(Deadline.Token());
            if (owner != port)
            {
                return prefix;
            }
        }
    }
}
