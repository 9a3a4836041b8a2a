using System.Text;
using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

// Idempotency scopes and the debounce (replace on conflict).
public abstract partial class StorageConformanceTests
{
    protected static NewJob UniqueJob(string key, IdempotencyScope scope, DateTimeOffset? until = null, bool replace = false,
        DateTimeOffset? runAt = null, string arguments = "{\"n\":1}")
        => Job(runAt: runAt, key: key) with
        {
            IdempotencyScope = scope,
            IdempotencyUntil = until,
            ReplaceOnConflict = replace,
            Arguments = Encoding.UTF8.GetBytes(arguments),
        };

    [Fact]
    public async Task EnqueueAsync_WhileQueued_HolderHoldsUntilItStarts()
    {
        NewJob holder = await EnqueueOneAsync(UniqueJob("k", IdempotencyScope.WhileQueued));
        NewJob duplicate = UniqueJob("k", IdempotencyScope.WhileQueued);

        (await EnqueueAsync(At(100), duplicate)).Should().Equal(new EnqueueResult { Id = holder.Id, Created = false });
        await FetchOneAsync();
        (await EnqueueAsync(At(2_000), duplicate)).Should().Equal(new[] { new EnqueueResult { Id = duplicate.Id, Created = true } },
            "a running job does not hold a WhileQueued key");
    }

    [Fact]
    public async Task EnqueueAsync_WhileQueuedOrRunning_HolderHoldsUntilItFinishes()
    {
        NewJob holder = await EnqueueOneAsync(UniqueJob("k", IdempotencyScope.WhileQueuedOrRunning));
        StoredJob leased = await FetchOneAsync();
        NewJob duplicate = UniqueJob("k", IdempotencyScope.WhileQueuedOrRunning);

        (await EnqueueAsync(At(1_500), duplicate)).Should().Equal(new EnqueueResult { Id = holder.Id, Created = false });
        await CompleteAsync(leased, At(2_000));
        (await EnqueueAsync(At(2_500), duplicate)).Should().Equal(new[] { new EnqueueResult { Id = duplicate.Id, Created = true } },
            "a succeeded job does not hold a WhileQueuedOrRunning key");
    }

    [Fact]
    public async Task EnqueueAsync_UntilSucceeded_SucceededHolderKeepsTheKeyFailedOneFreesIt()
    {
        NewJob succeeded = await EnqueueOneAsync(UniqueJob("done", IdempotencyScope.UntilSucceeded));
        NewJob failed = await EnqueueOneAsync(UniqueJob("broken", IdempotencyScope.UntilSucceeded));
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 2);
        await CompleteAsync(leased.Single(j => j.Id == succeeded.Id), At(2_000));
        await FailAsync(leased.Single(j => j.Id == failed.Id), At(2_000));

        NewJob again = UniqueJob("done", IdempotencyScope.UntilSucceeded);
        NewJob retried = UniqueJob("broken", IdempotencyScope.UntilSucceeded);
        (await EnqueueAsync(At(3_000), again, retried)).Should().Equal(
            new EnqueueResult { Id = succeeded.Id, Created = false },
            new EnqueueResult { Id = retried.Id, Created = true });
    }

    [Fact]
    public async Task EnqueueAsync_ForPeriod_HolderHoldsUntilItsTimeWhateverItsState()
    {
        NewJob holder = await EnqueueOneAsync(UniqueJob("k", IdempotencyScope.ForPeriod, until: At(10_000)));
        StoredJob leased = await FetchOneAsync();
        await FailAsync(leased, At(2_000));
        NewJob duplicate = UniqueJob("k", IdempotencyScope.ForPeriod, until: At(20_000));

        (await EnqueueAsync(At(9_999), duplicate)).Should().Equal(new[] { new EnqueueResult { Id = holder.Id, Created = false } },
            "a ForPeriod key is held even by a failed job until its time");
        (await EnqueueAsync(At(10_000), duplicate)).Should().Equal(new EnqueueResult { Id = duplicate.Id, Created = true });
        (await EnqueueAsync(At(10_001), UniqueJob("k", IdempotencyScope.ForPeriod, until: At(30_000))))
            .Should().Equal(new[] { new EnqueueResult { Id = duplicate.Id, Created = false } }, "the newest holder answers");
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceOnConflict_ScheduledHolderTakesTheNewArgumentsAndRunTime()
    {
        NewJob holder = await EnqueueOneAsync(UniqueJob("digest", IdempotencyScope.WhileQueued, runAt: At(10_000), arguments: "{\"v\":1}"));
        NewJob later = UniqueJob("digest", IdempotencyScope.WhileQueued, replace: true, runAt: At(20_000), arguments: "{\"v\":2}");

        (await EnqueueAsync(At(5_000), later)).Should().Equal(new EnqueueResult { Id = holder.Id, Created = false, Replaced = true });

        StoredJob stored = await GetRequiredAsync(holder.Id);
        Encoding.UTF8.GetString(stored.Arguments).Should().Be("{\"v\":2}");
        stored.RunAt.Should().Be(At(20_000));
        stored.State.Should().Be(JobState.Scheduled);
        (await GetAsync(later.Id)).Should().BeNull("nothing new was written");
        (await PromoteAsync(At(15_000))).Should().Be(0, "the old run time no longer applies");
        (await PromoteAsync(At(20_000))).Should().Be(1);
        (await FetchOneAsync(now: At(20_000))).Id.Should().Be(holder.Id);
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceOnConflict_DueRunTimeMakesAScheduledHolderReady()
    {
        NewJob holder = await EnqueueOneAsync(UniqueJob("k", IdempotencyScope.WhileQueued, runAt: At(10_000)));
        NewJob now = UniqueJob("k", IdempotencyScope.WhileQueued, replace: true, runAt: At(500), arguments: "{\"v\":3}");

        (await EnqueueAsync(At(500), now)).Single().Replaced.Should().BeTrue();

        StoredJob leased = await FetchOneAsync(now: At(1_000));
        leased.Id.Should().Be(holder.Id);
        Encoding.UTF8.GetString(leased.Arguments).Should().Be("{\"v\":3}");
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceOnConflict_EnqueuedHolderWithALaterRunTimeWaitsUntilThen()
    {
        NewJob holder = await EnqueueOneAsync(UniqueJob("k", IdempotencyScope.WhileQueued));
        NewJob later = UniqueJob("k", IdempotencyScope.WhileQueued, replace: true, runAt: At(10_000), arguments: "{\"v\":4}");

        (await EnqueueAsync(At(500), later)).Single().Replaced.Should().BeTrue();

        (await GetRequiredAsync(holder.Id)).State.Should().Be(JobState.Scheduled);
        (await FetchAsync(limit: 10, now: At(1_000))).Should().BeEmpty("the holder now runs at 10 s");
        await PromoteAsync(At(10_000));
        StoredJob leased = (await FetchAsync(limit: 10, now: At(10_000))).Should().ContainSingle().Subject;
        leased.Id.Should().Be(holder.Id);
        Encoding.UTF8.GetString(leased.Arguments).Should().Be("{\"v\":4}");
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceOnConflict_RunningHolderIsLeftAsItIs()
    {
        NewJob holder = await EnqueueOneAsync(UniqueJob("k", IdempotencyScope.WhileQueuedOrRunning, arguments: "{\"v\":1}"));
        await FetchOneAsync();
        NewJob replacement = UniqueJob("k", IdempotencyScope.WhileQueuedOrRunning, replace: true, arguments: "{\"v\":2}");

        (await EnqueueAsync(At(2_000), replacement)).Should().Equal(new EnqueueResult { Id = holder.Id, Created = false, Replaced = false });
        StoredJob stored = await GetRequiredAsync(holder.Id);
        Encoding.UTF8.GetString(stored.Arguments).Should().Be("{\"v\":1}");
        stored.State.Should().Be(JobState.Running);
    }

    [Fact]
    public async Task EnqueueAsync_LimitKey_IsStoredAndReadBack()
    {
        NewJob keyed = await EnqueueOneAsync(Job() with { LimitKey = "customer-42" });
        NewJob plain = await EnqueueOneAsync(Job());

        (await GetRequiredAsync(keyed.Id)).LimitKey.Should().Be("customer-42");
        (await GetRequiredAsync(plain.Id)).LimitKey.Should().BeNull();
    }
}
