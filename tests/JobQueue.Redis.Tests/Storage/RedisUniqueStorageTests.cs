using System.Text;
using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using static JobQueue.Redis.Tests.StoreRequests;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>Idempotency scopes and replace-on-conflict on Redis: the holder named by idem:KEY, checked by its own scope.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisUniqueStorageTests
{
    private readonly RedisFixture _fixture;

    public RedisUniqueStorageTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task EnqueueAsync_WhileQueuedHolderRunning_CreatesANewJob()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob first = Keyed(IdempotencyScope.WhileQueued);

        EnqueueResult whileEnqueued = (await EnqueueAsync(storage, first))[0];
        EnqueueResult again = (await EnqueueAsync(storage, Keyed(IdempotencyScope.WhileQueued)))[0];
        await storage.FetchAsync(Fetch(), Deadline.Token());
        NewJob second = Keyed(IdempotencyScope.WhileQueued);
        EnqueueResult whileRunning = (await EnqueueAsync(storage, second))[0];

        whileEnqueued.Created.Should().BeTrue();
        again.Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        whileRunning.Should().Be(new EnqueueResult { Id = second.Id, Created = true });
    }

    [Fact]
    public async Task EnqueueAsync_ForPeriodHolderCancelled_HoldsUntilThePeriodEnds()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob first = Keyed(IdempotencyScope.ForPeriod) with { IdempotencyUntil = T0.AddMinutes(10) };
        await EnqueueAsync(storage, first);
        await storage.CancelAsync(new CancelRequest { Ids = [first.Id], Now = T0 }, Deadline.Token());

        EnqueueResult within = (await EnqueueAsync(storage, Keyed(IdempotencyScope.ForPeriod) with { IdempotencyUntil = T0.AddMinutes(15) }, T0.AddMinutes(9)))[0];
        NewJob after = Keyed(IdempotencyScope.ForPeriod) with { IdempotencyUntil = T0.AddMinutes(20), RunAt = T0.AddMinutes(10) };
        EnqueueResult atEnd = (await EnqueueAsync(storage, after, T0.AddMinutes(10)))[0];

        within.Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        atEnd.Should().Be(new EnqueueResult { Id = after.Id, Created = true });
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceOnConflictWithScheduledHolder_TakesItsArgumentsAndRunTime()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob first = Keyed(IdempotencyScope.WhileQueued) with { RunAt = T0.AddMinutes(5) };
        await EnqueueAsync(storage, first);
        NewJob debounce = Keyed(IdempotencyScope.WhileQueued) with { RunAt = T0.AddMinutes(1), Arguments = "{\"v\":2}"u8.ToArray(), ReplaceOnConflict = true };

        EnqueueResult result = (await EnqueueAsync(storage, debounce, T0.AddMinutes(1)))[0];
        StoredJob? holder = (await storage.GetJobsAsync([first.Id], Deadline.Token()))[0];
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(Fetch() with { Now = T0.AddMinutes(1) }, Deadline.Token());

        result.Should().Be(new EnqueueResult { Id = first.Id, Created = false, Replaced = true });
        holder!.State.Should().Be(JobState.Enqueued, "its new run time is the request's now");
        holder.RunAt.Should().Be(T0.AddMinutes(1));
        Encoding.UTF8.GetString(holder.Arguments).Should().Be("{\"v\":2}");
        leased.Select(j => j.Id).Should().Equal(first.Id);
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceOnConflictWithRunningHolder_ReturnsItUnchanged()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob first = Keyed(IdempotencyScope.UntilSucceeded);
        await EnqueueAsync(storage, first);
        await storage.FetchAsync(Fetch(), Deadline.Token());

        EnqueueResult result = (await EnqueueAsync(storage, Keyed(IdempotencyScope.UntilSucceeded) with { Arguments = "{\"v\":2}"u8.ToArray(), ReplaceOnConflict = true }))[0];
        StoredJob? holder = (await storage.GetJobsAsync([first.Id], Deadline.Token()))[0];

        result.Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        Encoding.UTF8.GetString(holder!.Arguments).Should().Be("{}");
    }

    private static NewJob Keyed(IdempotencyScope scope) => Job() with { IdempotencyKey = "key", IdempotencyScope = scope };

    private static async Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(RedisJobStorage storage, NewJob job, DateTimeOffset? now = null)
        => await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = now ?? T0 }, Deadline.Token());

    private RedisJobStorage NewStorage() => RedisStores.Create(_fixture.Server.ConnectionString, "p" + Guid.NewGuid().ToString("N"));
}
