using System.Text;
using JobQueue.Redis.Resp;
using JobQueue.Storage;
using JobQueue.Testing;

namespace JobQueue.Redis.Tests;

/// <summary>What only the Redis store has: survival across a server restart, keys under the hash-tagged prefix.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisJobStorageTests
{
    private static readonly DateTimeOffset s_t0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly RedisFixture _fixture;

    public RedisJobStorageTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task EnqueueAsync_AnyJob_KeysLiveUnderHashTaggedPrefix()
    {
        await using var storage = new RedisJobStorage(new RedisClient(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString)), new RedisStorageOptions { KeyPrefix = "p" + Guid.NewGuid().ToString("N") }, ownsClient: true);
        NewJob job = Job();

        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = s_t0 }, Deadline.Token());
        RespValue type = await storage.Client.ExecuteAsync(new RespCommand("TYPE").Add(storage.Prefix + "job:" + job.Id), Deadline.Token());

        storage.Prefix.Should().StartWith("{p").And.EndWith("}:");
        type.AsString().Should().Be("hash");
    }

    [Fact]
    public async Task Storage_ServerRestartedMidRun_KeepsAcknowledgedJobsAndResumes()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);

        await using var storage = new RedisJobStorage(new RedisClient(RedisConnectionOptions.Parse(server.ConnectionString)), new RedisStorageOptions(), ownsClient: true);
        NewJob[] jobs = [.. Enumerable.Range(0, 50).Select(_ => Job())];
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = s_t0 }, Deadline.Token());
        IReadOnlyList<StoredJob> firstLease = await storage.FetchAsync(Fetch(10), Deadline.Token());

        await server.StopAsync();
        await server.RestartAsync();
        IReadOnlyList<StoredJob> rest = await RedisClientTestsAccess.RetryAsync(() => storage.FetchAsync(Fetch(100), Deadline.Token()).AsTask());
        IReadOnlyList<StoredJob?> leased = await storage.GetJobsAsync([.. firstLease.Select(j => j.Id)], Deadline.Token());

        firstLease.Should().HaveCount(10);
        rest.Should().HaveCount(40);
        leased.Should().OnlyContain(j => j != null && j.State == JobState.Running);
    }

    [Fact]
    public async Task WaitForWorkAsync_EnqueueFromAnotherStore_WakesWaiter()
    {
        string prefix = "w" + Guid.NewGuid().ToString("N");
        await using var worker = new RedisJobStorage(new RedisClient(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString)), new RedisStorageOptions { KeyPrefix = prefix }, ownsClient: true);
        await using var producer = new RedisJobStorage(new RedisClient(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString)), new RedisStorageOptions { KeyPrefix = prefix }, ownsClient: true);

        Task wait = worker.WaitForWorkAsync("default", Deadline.Token()).AsTask();
        await producer.EnqueueAsync(new EnqueueRequest { Jobs = [Job()], Now = s_t0 }, Deadline.Token());

        await Deadline.Within(wait, "the wake-up published by another process's enqueue");
    }

    private static FetchRequest Fetch(int limit) => new()
    {
        Queue = "default",
        Limit = limit,
        Now = s_t0,
        LeaseToken = Guid.NewGuid(),
        LeaseExpiresAt = s_t0.AddMinutes(5),
        WorkerId = "test",
    };

    private static NewJob Job() => new()
    {
        Id = JobId.New(),
        Name = "test-job",
        Queue = "default",
        Arguments = Encoding.UTF8.GetBytes("{}"),
        MaxAttempts = 3,
        Timeout = TimeSpan.FromSeconds(30),
        RetryDelay = TimeSpan.FromSeconds(1),
        RunAt = s_t0,
    };
}

/// <summary>Retries a call while the client reconnects after a restart.</summary>
internal static class RedisClientTestsAccess
{
    public static Task<T> RetryAsync<T>(Func<Task<T>> call) => Resp.RedisClientTests.RetryUntilConnectedAsync(call);
}
