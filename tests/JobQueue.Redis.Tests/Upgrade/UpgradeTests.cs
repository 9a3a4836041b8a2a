using System.Text;
using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using StackExchange.Redis;
using static JobQueue.Redis.Tests.Upgrade.UpgradeFixture;

namespace JobQueue.Redis.Tests.Upgrade;

/// <summary>
/// Data the previous release's store wrote with its own RESP client, with jobs in flight, is read and continued by
/// the store on StackExchange.Redis. The data is written-by-resp-client.json, loaded as raw keys
/// under a fresh prefix per test, so neither the loading nor the fixture depends on the client the store uses.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class UpgradeTests
{
    private static readonly Lazy<UpgradeFixture> s_written = new(() => Deserialize(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Upgrade", FileName))));

    private readonly RedisFixture _redis;

    public UpgradeTests(RedisFixture redis)
    {
        _redis = redis;
    }

    private static FixtureFacts Facts => s_written.Value.Facts;

    [Fact]
    public void Fixture_KeysAndValues_OnlyKeyNamesHoldThePrefix()
    {
        UpgradeFixture written = s_written.Value;
        string hashTag = written.KeyPrefix.TrimEnd(':');

        IEnumerable<string> values = written.Keys.SelectMany(static key => (key.Hash?.SelectMany(static p => new[] { p.Key, p.Value }) ?? [])
            .Concat(key.Zset?.SelectMany(static e => new[] { e.Member, e.Score }) ?? [])
            .Concat(key.List ?? [])
            .Concat(key.Set ?? [])
            .Concat(key.Value is null ? [] : [key.Value]));

        // The load rewrites key names only: a value naming a key would still point at the generator's prefix.
        hashTag.Should().Be("{upgrade}");
        written.Keys.Should().OnlyContain(key => key.Key.StartsWith(written.KeyPrefix, StringComparison.Ordinal));
        values.Should().NotContain(value => value.Contains(hashTag, StringComparison.Ordinal));
        written.Source.SourceModified.Should().BeFalse("the recorded commit must be the code that wrote the fixture");
    }

    [Fact]
    public async Task Load_WrittenByRespClient_RestoresEveryKeyExactly()
    {
        string prefix = await LoadAsync();

        IReadOnlyList<FixtureKey> restored = await ReadBackAsync(prefix);

        restored.Should().BeEquivalentTo(s_written.Value.Keys.Select(key => key with { Key = Rename(key.Key, prefix) }), options => options.WithStrictOrdering());
    }

    [Fact]
    public async Task GetJobsAsync_WrittenByRespClient_ReturnsEveryJobAsWritten()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());

        IReadOnlyList<StoredJob?> jobs = await storage.GetJobsAsync([.. Facts.Jobs.Select(static j => new JobId(j.Id))], Deadline.Token());

        jobs.Should().BeEquivalentTo(Facts.Jobs.Select(Expected), options => options.WithStrictOrdering());
    }

    [Fact]
    public async Task GetBatchAsync_WrittenByRespClient_ReturnsBatchCounts()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());
        FixtureBatch batch = Facts.Batch;

        StoredBatch? read = await storage.GetBatchAsync(new BatchId(batch.Id), Deadline.Token());

        read.Should().BeEquivalentTo(new StoredBatch
        {
            Id = new BatchId(batch.Id),
            State = batch.State,
            Total = batch.Total,
            Succeeded = batch.Succeeded,
            Failed = batch.Failed,
            SuccessJobId = batch.SuccessJobId is Guid success ? new JobId(success) : null,
            FailureJobId = batch.FailureJobId is Guid failure ? new JobId(failure) : null,
            CreatedAt = batch.CreatedAt,
            FinishedAt = batch.FinishedAt,
        });
        read!.State.Should().Be(BatchState.Running);
        read.Pending.Should().Be(2);
    }

    [Fact]
    public async Task QueryJobsAsync_WrittenByRespClient_ListsMatchingJobsNewestFirst()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());
        List<JobQuery> queries = [new JobQuery { Limit = 100, CountLimit = 0 }, new JobQuery { Limit = 5, CountLimit = 0 }, new JobQuery { BatchId = new BatchId(Facts.Batch.Id), Limit = 100, CountLimit = 0 }];
        queries.AddRange(Facts.Jobs.Select(static j => j.Queue).Distinct().Select(static queue => new JobQuery { Queue = queue, Limit = 100, CountLimit = 0 }));
        queries.AddRange(Enum.GetValues<JobState>().Select(static state => new JobQuery { State = state, Limit = 100, CountLimit = 0 }));
        queries.Add(new JobQuery { Queue = "default", State = JobState.Scheduled, Limit = 100, CountLimit = 0 });

        foreach (JobQuery query in queries)
        {
            IReadOnlyList<StoredJob> listed = (await storage.QueryJobsAsync(query, Deadline.Token())).Jobs;

            IEnumerable<Guid> expected = Facts.Jobs
                .Where(j => (query.Queue is null || j.Queue == query.Queue) && (query.State is null || j.State == query.State)
                    && (query.BatchId is null || j.BatchId == query.BatchId.Value.Value))
                .OrderByDescending(static j => j.Sequence)
                .Take(query.Limit)
                .Select(static j => j.Id);
            listed.Select(static j => j.Id.Value).Should().Equal(expected, "{0} lists its jobs newest first", query);
        }

        IReadOnlyList<StoredJob> all = (await storage.QueryJobsAsync(new JobQuery { Limit = 100, CountLimit = 0 }, Deadline.Token())).Jobs;
        all.Should().BeEquivalentTo(Facts.Jobs.OrderByDescending(static j => j.Sequence).Select(Expected), options => options.WithStrictOrdering());
    }

    [Fact]
    public async Task GetQueueStatisticsAsync_WrittenByRespClient_CountsEveryQueue()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());

        IReadOnlyList<QueueStatistics> statistics = await storage.GetQueueStatisticsAsync(Deadline.Token());

        statistics.Should().BeEquivalentTo(
            Facts.QueueStatistics.Select(static s => new QueueStatistics
            {
                Queue = s.Queue,
                Scheduled = s.Scheduled,
                Enqueued = s.Enqueued,
                Running = s.Running,
                Succeeded = s.Succeeded,
                Failed = s.Failed,
                Cancelled = s.Cancelled,
                Awaiting = s.Awaiting,
            }),
            options => options.WithStrictOrdering());
        statistics.Sum(static s => s.Scheduled + s.Enqueued + s.Running + s.Succeeded + s.Failed + s.Cancelled + s.Awaiting).Should().Be(Facts.Jobs.Count);
    }

    [Fact]
    public async Task CompleteAsync_InFlightJobWithRecordedToken_Succeeds()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());
        FixtureJob running = Facts.Job(Roles.RunningWithProgress);
        DateTimeOffset now = Facts.T0.AddMinutes(1);

        IReadOnlyList<bool> completed = await storage.CompleteAsync(
            [new JobCompletion { Id = new JobId(running.Id), LeaseToken = running.LeaseToken!.Value, Result = "\"done\""u8.ToArray(), Now = now }],
            Deadline.Token());
        StoredJob? job = (await storage.GetJobsAsync([new JobId(running.Id)], Deadline.Token()))[0];

        completed.Should().Equal(true);
        job!.State.Should().Be(JobState.Succeeded);
        job.FinishedAt.Should().Be(now);
        job.Result.Should().Equal("\"done\""u8.ToArray());
        job.LeaseToken.Should().BeNull();
    }

    [Fact]
    public async Task CompleteAsync_InFlightJobWithWrongToken_IsRefused()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());
        FixtureJob running = Facts.Job(Roles.RunningWithProgress);

        IReadOnlyList<bool> completed = await storage.CompleteAsync(
            [new JobCompletion { Id = new JobId(running.Id), LeaseToken = new Guid("bad00000-0000-4000-8000-000000000000"), Now = Facts.T0.AddMinutes(1) }],
            Deadline.Token());
        StoredJob? job = (await storage.GetJobsAsync([new JobId(running.Id)], Deadline.Token()))[0];

        completed.Should().Equal(false);
        job.Should().BeEquivalentTo(Expected(running));
    }

    [Fact]
    public async Task FetchAsync_MailQueue_ReturnsPriorityFiveBeforePriorityZero()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());

        var fetched = new List<Guid>();
        for (int i = 0; i < 3; i++)
        {
            fetched.AddRange((await storage.FetchAsync(Fetch("mail", Facts.T0.AddMinutes(1)), Deadline.Token())).Select(static j => j.Id.Value));
        }

        Facts.Job(Roles.MailPriority0).Sequence.Should().BeLessThan(Facts.Job(Roles.MailPriority5).Sequence, "the fixture enqueued priority 0 first");
        fetched.Should().Equal(Facts.Expectations.MailFetchOrder);
        fetched.Should().Equal(Facts.Job(Roles.MailPriority5).Id, Facts.Job(Roles.MailPriority0).Id);
    }

    [Fact]
    public async Task RescueExpiredLeasesAsync_AfterShortLeaseExpired_RescuesOnlyThatJob()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());
        DateTimeOffset now = Facts.Expectations.RescueAt;
        FixtureJob expired = Facts.Job(Roles.RunningLeaseExpiring);

        IReadOnlyList<JobId> rescued = await storage.RescueExpiredLeasesAsync(
            new RescueRequest { Now = now, Limit = 100, ErrorType = "JobQueue.LeaseExpired", ErrorMessage = "The worker's lease expired." },
            Deadline.Token());
        IReadOnlyList<StoredJob?> jobs = await storage.GetJobsAsync(
            [new JobId(expired.Id), new JobId(Facts.Job(Roles.RunningWithProgress).Id), new JobId(Facts.Job(Roles.BatchChild2).Id)], Deadline.Token());

        now.Should().Be(Facts.T0.AddMinutes(2));
        rescued.Select(static id => id.Value).Should().Equal(Facts.Expectations.Rescued).And.Equal(expired.Id);
        jobs[0]!.State.Should().Be(JobState.Enqueued);
        jobs[0]!.LeaseToken.Should().BeNull();
        jobs[0]!.Errors.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Type = "JobQueue.LeaseExpired", Attempt = 1, At = now });
        jobs[1]!.State.Should().Be(JobState.Running);
        jobs[2]!.State.Should().Be(JobState.Running);
    }

    [Fact]
    public async Task PromoteDueJobsAsync_AfterScheduledAndRetryAreDue_PromotesBothInRunTimeOrder()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());
        DateTimeOffset now = Facts.Expectations.PromoteAt;
        FixtureJob retry = Facts.Job(Roles.RetryScheduled);
        FixtureJob scheduled = Facts.Job(Roles.Scheduled);

        int promoted = await storage.PromoteDueJobsAsync(new PromoteRequest { Now = now, Limit = 100 }, Deadline.Token());
        IReadOnlyList<StoredJob?> jobs = await storage.GetJobsAsync([.. Facts.Expectations.Promoted.Select(static id => new JobId(id))], Deadline.Token());
        IReadOnlyList<StoredJob> fetched = await storage.FetchAsync(Fetch("default", now, limit: 10), Deadline.Token());

        now.Should().Be(Facts.T0.AddHours(2));
        Facts.Expectations.Promoted.Should().BeEquivalentTo([retry.Id, scheduled.Id]);
        promoted.Should().Be(2);
        jobs.Should().OnlyContain(j => j!.State == JobState.Enqueued);

        // Ready order is run time, so the promoted jobs kept theirs: behind the job that was ready at t0.
        fetched.Select(static j => j.Id.Value).Should().Equal(Facts.Job(Roles.DefaultReady).Id, retry.Id, scheduled.Id);
        fetched[1].Attempt.Should().Be(2);
        fetched[1].Errors.Should().BeEquivalentTo(retry.Errors);
    }

    [Fact]
    public async Task EnqueueAsync_IdempotencyKeyHeldByWrittenJob_ReturnsExistingId()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());
        var duplicate = new NewJob
        {
            Id = new JobId(new Guid("d0b1e000-0000-7000-8000-000000000001")),
            Name = "charge-order",
            Queue = "orders",
            Arguments = "{\"order\":42}"u8.ToArray(),
            MaxAttempts = 3,
            Timeout = TimeSpan.FromMinutes(2),
            RetryDelay = TimeSpan.FromSeconds(15),
            RunAt = Facts.T0.AddMinutes(1),
            IdempotencyKey = Facts.Expectations.IdempotencyKey,
        };

        IReadOnlyList<EnqueueResult> results = await storage.EnqueueAsync(new EnqueueRequest { Jobs = [duplicate], Now = Facts.T0.AddMinutes(1) }, Deadline.Token());
        StoredJob? written = (await storage.GetJobsAsync([duplicate.Id], Deadline.Token()))[0];

        Facts.Expectations.IdempotencyKey.Should().Be("order-42");
        Facts.Expectations.IdempotencyHolder.Should().Be(Facts.Job(Roles.Idempotent).Id);
        results.Should().Equal(new EnqueueResult { Id = new JobId(Facts.Expectations.IdempotencyHolder), Created = false });
        written.Should().BeNull();
    }

    [Fact]
    public async Task CompleteAsync_LastPendingBatchChildren_SucceedsBatchAndReleasesSuccessCallback()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());
        DateTimeOffset now = Facts.T0.AddMinutes(1);
        FixtureJob child2 = Facts.Job(Roles.BatchChild2);
        FixtureJob child3 = Facts.Job(Roles.BatchChild3);
        BatchId batchId = new(Facts.Batch.Id);

        IReadOnlyList<bool> completed2 = await storage.CompleteAsync(
            [new JobCompletion { Id = new JobId(child2.Id), LeaseToken = child2.LeaseToken!.Value, Now = now }], Deadline.Token());
        FetchRequest fetch3 = Fetch(child3.Queue, now);
        IReadOnlyList<StoredJob> leased3 = await storage.FetchAsync(fetch3, Deadline.Token());
        IReadOnlyList<bool> completed3 = await storage.CompleteAsync(
            [new JobCompletion { Id = new JobId(child3.Id), LeaseToken = fetch3.LeaseToken, Now = now }], Deadline.Token());
        StoredBatch? batch = await storage.GetBatchAsync(batchId, Deadline.Token());
        IReadOnlyList<StoredJob?> callbacks = await storage.GetJobsAsync(
            [new JobId(Facts.Expectations.BatchReleases), new JobId(Facts.Expectations.BatchCancels)], Deadline.Token());
        IReadOnlyList<StoredJob> released = await storage.FetchAsync(Fetch(Facts.Job(Roles.BatchSuccessCallback).Queue, now, limit: 10), Deadline.Token());

        completed2.Should().Equal(true);
        leased3.Select(static j => j.Id.Value).Should().Equal(child3.Id);
        completed3.Should().Equal(true);
        batch.Should().BeEquivalentTo(new { State = BatchState.Succeeded, Total = 3, Succeeded = 3, Failed = 0, FinishedAt = (DateTimeOffset?)now });
        Facts.Expectations.BatchReleases.Should().Be(Facts.Job(Roles.BatchSuccessCallback).Id);
        Facts.Expectations.BatchCancels.Should().Be(Facts.Job(Roles.BatchFailureCallback).Id);
        callbacks[0]!.State.Should().Be(JobState.Enqueued);
        callbacks[1]!.State.Should().Be(JobState.Cancelled);
        released.Select(static j => j.Id.Value).Should().Equal(Facts.Expectations.BatchReleases);
    }

    [Fact]
    public async Task FlowControl_OnDataOfThePreviousVersion_OldHolderIsUntilSucceededAndLimitsLeaseItsJobs()
    {
        await using RedisJobStorage storage = NewStorage(await LoadAsync());
        DateTimeOffset now = Facts.T0.AddMinutes(1);
        FixtureJob holder = Facts.Job(Roles.Idempotent);
        NewJob debounce = new()
        {
            Id = JobId.New(),
            Name = holder.Name,
            Queue = holder.Queue,
            Arguments = Encoding.UTF8.GetBytes("{\"order\":43}"),
            MaxAttempts = 3,
            Timeout = TimeSpan.FromMinutes(2),
            RetryDelay = TimeSpan.FromSeconds(15),
            RunAt = now,
            IdempotencyKey = holder.IdempotencyKey,
            IdempotencyScope = IdempotencyScope.WhileQueued,
            ReplaceOnConflict = true,
        };

        // The holder was written without a scope: it holds as UntilSucceeded did, and, Enqueued, it takes the debounce.
        IReadOnlyList<EnqueueResult> replaced = await storage.EnqueueAsync(new EnqueueRequest { Jobs = [debounce], Now = now }, Deadline.Token());
        FetchRequest fetch = Fetch(holder.Queue, now, limit: 10) with { Limits = new FetchLimits { QueueConcurrency = 1, ConcurrencyPerKey = 1 } };
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(fetch, Deadline.Token());
        await storage.CancelAsync(new CancelRequest { Ids = [new JobId(holder.Id)], Now = now }, Deadline.Token());
        IReadOnlyList<EnqueueResult> afterCancel = await storage.EnqueueAsync(new EnqueueRequest { Jobs = [debounce], Now = now }, Deadline.Token());

        replaced.Should().Equal(new EnqueueResult { Id = new JobId(holder.Id), Created = false, Replaced = true });
        leased.Select(static j => j.Id.Value).Should().Equal(holder.Id);
        Encoding.UTF8.GetString(leased[0].Arguments).Should().Be("{\"order\":43}");
        afterCancel.Should().Equal(new EnqueueResult { Id = debounce.Id, Created = true });
    }

    /// <summary>
    /// The one place the test builds a store: when the store's client changes, only this changes, and every test
    /// then runs the new code over the data the old one wrote.
    /// </summary>
    private RedisJobStorage NewStorage(string prefix) => RedisStores.Create(_redis.Server.ConnectionString, prefix);

    /// <summary>Writes the fixture's keys under a fresh prefix; returns the prefix as a store's KeyPrefix option takes it.</summary>
    private async Task<string> LoadAsync()
    {
        string prefix = "upgrade-" + Guid.NewGuid().ToString("N");
        await using ConnectionMultiplexer redis = await ConnectAsync();
        IDatabase database = redis.GetDatabase();
        foreach (FixtureKey key in s_written.Value.Keys)
        {
            RedisKey name = Rename(key.Key, prefix);
            await database.KeyDeleteAsync(name);
            Task write = key.Type switch
            {
                "hash" => database.HashSetAsync(name, [.. key.Hash!.Select(static p => new HashEntry(p.Key, p.Value))]),

                // Each score goes as the string Redis wrote ("-0" among them): the server parses it as it did then,
                // where a double formatted by a client might not come back as the same string.
                "zset" => database.ExecuteAsync("ZADD", [name, .. key.Zset!.SelectMany(static e => new object[] { e.Score, e.Member })]),
                "list" => database.ListRightPushAsync(name, [.. key.List!.Select(static v => (RedisValue)v)]),
                "set" => database.SetAddAsync(name, [.. key.Set!.Select(static v => (RedisValue)v)]),
                "string" => database.StringSetAsync(name, key.Value),
                _ => throw new InvalidOperationException($"Fixture key '{key.Key}' is a {key.Type}; the loader knows hash, zset, list, set and string."),
            };
            await write;
        }

        return prefix;
    }

    /// <summary>Every key under the prefix, read back as the generator dumped it.</summary>
    private async Task<IReadOnlyList<FixtureKey>> ReadBackAsync(string prefix)
    {
        await using ConnectionMultiplexer redis = await ConnectAsync();
        IDatabase database = redis.GetDatabase();
        IServer server = redis.GetServer(redis.GetEndPoints()[0]);
        var names = new List<string>();
        await foreach (RedisKey name in server.KeysAsync(pattern: "{" + prefix + "}:*"))
        {
            names.Add(name.ToString());
        }

        names.Sort(StringComparer.Ordinal);
        var keys = new List<FixtureKey>(names.Count);
        foreach (string name in names)
        {
            RedisType type = await database.KeyTypeAsync(name);
            keys.Add(type switch
            {
                RedisType.Hash => new FixtureKey
                {
                    Key = name,
                    Type = "hash",
                    Hash = (await database.HashGetAllAsync(name)).ToDictionary(static e => e.Name.ToString(), static e => e.Value.ToString()),
                },
                RedisType.SortedSet => new FixtureKey { Key = name, Type = "zset", Zset = Scores(await database.ExecuteAsync("ZRANGE", (RedisKey)name, "0", "-1", "WITHSCORES")) },
                RedisType.List => new FixtureKey { Key = name, Type = "list", List = [.. (await database.ListRangeAsync(name)).Select(static v => v.ToString())] },
                RedisType.Set => new FixtureKey { Key = name, Type = "set", Set = [.. (await database.SetMembersAsync(name)).Select(static v => v.ToString()).Order(StringComparer.Ordinal)] },
                RedisType.String => new FixtureKey { Key = name, Type = "string", Value = (await database.StringGetAsync(name)).ToString() },
                _ => throw new InvalidOperationException($"Key '{name}' is a {type}, which the fixture never holds."),
            });
        }

        return keys;
    }

    private static List<FixtureZsetEntry> Scores(RedisResult reply)
    {
        RedisResult[] items = (RedisResult[])reply!;
        var entries = new List<FixtureZsetEntry>(items.Length / 2);
        for (int i = 0; i + 1 < items.Length; i += 2)
        {
            entries.Add(new FixtureZsetEntry((string)items[i]!, (string)items[i + 1]!));
        }

        return entries;
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(_redis.Server.ConnectionString);

        // RESP2 answers ZRANGE ... WITHSCORES with each score as the string the server formatted, as the fixture holds it.
        options.Protocol = RedisProtocol.Resp2;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private static string Rename(string key, string prefix)
    {
        string old = s_written.Value.KeyPrefix;
        return key.StartsWith(old, StringComparison.Ordinal)
            ? "{" + prefix + "}:" + key[old.Length..]
            : throw new InvalidOperationException($"Fixture key '{key}' does not start with the fixture's prefix '{old}'.");
    }

    private static FetchRequest Fetch(string queue, DateTimeOffset now, int limit = 1) => new()
    {
        Queue = queue,
        Limit = limit,
        Now = now,
        LeaseToken = Guid.NewGuid(),
        LeaseExpiresAt = now.AddMinutes(5),
        WorkerId = "upgrade-test",
    };

    /// <summary>The job as the fixture says the current store read it back.</summary>
    private static StoredJob Expected(FixtureJob job) => new()
    {
        Id = new JobId(job.Id),
        Name = job.Name,
        Queue = job.Queue,
        State = job.State,
        Priority = job.Priority,
        Arguments = Encoding.UTF8.GetBytes(job.Arguments),
        Attempt = job.Attempt,
        MaxAttempts = job.MaxAttempts,
        Timeout = job.Timeout,
        RetryDelay = job.RetryDelay,
        RunAt = job.RunAt,
        EnqueuedAt = job.EnqueuedAt,
        StartedAt = job.StartedAt,
        FinishedAt = job.FinishedAt,
        Result = job.Result is null ? null : Encoding.UTF8.GetBytes(job.Result),
        Errors = [.. job.Errors.Select(static e => new JobError { Type = e.Type, Message = e.Message, StackTrace = e.StackTrace, Attempt = e.Attempt, At = e.At })],
        Progress = job.Progress is null ? null : new JobProgress(job.Progress.Percent, job.Progress.Message),
        IdempotencyKey = job.IdempotencyKey,
        BatchId = job.BatchId is Guid batch ? new BatchId(batch) : null,
        TraceParent = job.TraceParent,
        LeaseToken = job.LeaseToken,
        LeaseExpiresAt = job.LeaseExpiresAt,
        WorkerId = job.WorkerId,
    };
}
