using JobQueue.Redis.Resp;
using JobQueue.Storage;
using JobQueue.Testing;

namespace JobQueue.Redis.Tests;

/// <summary>Data written by the previous version (schema 1) stays readable and workable after an upgrade.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSchemaMigrationTests
{
    private static readonly DateTimeOffset s_t0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly RedisFixture _fixture;

    public RedisSchemaMigrationTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Storage_SchemaOneJob_IsReadLeasedAndCompletedAndOldIndexesAreDropped()
    {
        await using var storage = new RedisJobStorage(new RedisClient(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString)), new RedisStorageOptions { KeyPrefix = "m" + Guid.NewGuid().ToString("N") }, ownsClient: true);
        var id = JobId.New();
        await WriteSchemaOneJobAsync(storage, id);

        IReadOnlyList<StoredJob> listed = await storage.QueryJobsAsync(new JobQuery(), Deadline.Token());
        IReadOnlyList<QueueStatistics> before = await storage.GetQueueStatisticsAsync(Deadline.Token());
        var fetch = new FetchRequest { Queue = "mail", Limit = 10, Now = s_t0, LeaseToken = Guid.NewGuid(), LeaseExpiresAt = s_t0.AddMinutes(5), WorkerId = "test" };
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(fetch, Deadline.Token());
        IReadOnlyList<bool> completed = await storage.CompleteAsync([new JobCompletion { Id = id, LeaseToken = fetch.LeaseToken, Now = s_t0.AddSeconds(1) }], Deadline.Token());
        IReadOnlyList<QueueStatistics> after = await storage.GetQueueStatisticsAsync(Deadline.Token());
        RespValue oldIndexes = await storage.Client.ExecuteAsync(
            new RespCommand("EXISTS").Add(storage.Prefix + "jobs").Add(storage.Prefix + "queue:mail").Add(storage.Prefix + "state:1").Add(storage.Prefix + "state:3"), Deadline.Token());
        RespValue schema = await storage.Client.ExecuteAsync(new RespCommand("GET").Add(storage.Prefix + "schema"), Deadline.Token());

        StoredJob job = listed.Should().ContainSingle().Subject;
        job.Id.Should().Be(id);
        job.Name.Should().Be("old-job");
        job.State.Should().Be(JobState.Enqueued);
        job.Attempt.Should().Be(0);
        job.MaxAttempts.Should().Be(7);
        job.Timeout.Should().Be(TimeSpan.FromSeconds(30));
        job.RetryDelay.Should().Be(TimeSpan.FromSeconds(2));
        job.EnqueuedAt.Should().Be(s_t0);
        before.Should().ContainSingle().Which.Enqueued.Should().Be(1);
        leased.Should().ContainSingle().Which.Attempt.Should().Be(1);
        leased[0].MaxAttempts.Should().Be(7);
        completed.Should().Equal(true);
        after.Should().ContainSingle().Which.Succeeded.Should().Be(1);
        oldIndexes.AsInt64().Should().Be(0);
        schema.AsString().Should().Be(RedisScripts.SchemaVersion);
    }

    /// <summary>One Enqueued job exactly as schema 1's enqueue script left it, indexes included.</summary>
    private static async Task WriteSchemaOneJobAsync(RedisJobStorage storage, JobId id)
    {
        string p = storage.Prefix;
        string ticks = RedisValues.Ticks(s_t0);
        const string seq = "0000000000000001";
        RespCommand[] commands =
        [
            new RespCommand("HSET").Add(p + "job:" + id).Add("n").Add("old-job").Add("q").Add("mail").Add("pr").Add("0").Add("a").Add("{}")
                .Add("at").Add("0").Add("ma").Add("7").Add("to").Add(TimeSpan.FromSeconds(30).Ticks).Add("rd").Add(TimeSpan.FromSeconds(2).Ticks)
                .Add("ra").Add(ticks).Add("ea").Add(ticks).Add("seq").Add(seq).Add("s").Add("1"),
            new RespCommand("ZADD").Add(p + "ready:mail").Add("0").Add(ticks + ":" + seq + ":" + id),
            new RespCommand("ZADD").Add(p + "jobs").Add(seq).Add(id.ToString()),
            new RespCommand("ZADD").Add(p + "queue:mail").Add(seq).Add(id.ToString()),
            new RespCommand("ZADD").Add(p + "state:1").Add(seq).Add(id.ToString()),
            new RespCommand("ZADD").Add(p + "qs:mail:1").Add(seq).Add(id.ToString()),
            new RespCommand("SADD").Add(p + "queues").Add("mail"),
            new RespCommand("SET").Add(p + "seq").Add("1"),
        ];
        foreach (RespCommand command in commands)
        {
            await storage.Client.ExecuteAsync(command, Deadline.Token());
        }
    }
}
