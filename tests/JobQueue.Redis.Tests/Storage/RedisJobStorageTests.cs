using JobQueue.Redis.Scripts;
using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using StackExchange.Redis;
using static JobQueue.Redis.Tests.StoreRequests;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>What only the Redis store has: survival across a server restart, keys under the hash-tagged prefix, upgrades of stored data.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisJobStorageTests
{
    private readonly RedisFixture _fixture;

    public RedisJobStorageTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task EnqueueAsync_AnyJob_KeysLiveUnderHashTaggedPrefix()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob job = Job();

        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = T0 }, Deadline.Token());
        RedisType type = await (await RedisStores.DatabaseAsync(storage)).KeyTypeAsync(storage.Prefix + "job:" + job.Id);

        storage.Prefix.Should().StartWith("{p").And.EndWith("}:");
        type.Should().Be(RedisType.Hash);
    }

    [Fact]
    public async Task Storage_ServerRestartedMidRun_KeepsAcknowledgedJobsAndResumes()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);

        await using RedisJobStorage storage = RedisStores.Create(server.ConnectionString, "jobqueue");
        NewJob[] jobs = [.. Enumerable.Range(0, 50).Select(_ => Job())];
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = T0 }, Deadline.Token());
        IReadOnlyList<StoredJob> firstLease = await storage.FetchAsync(Fetch(10), Deadline.Token());

        await server.StopAsync();
        await server.RestartAsync();
        IReadOnlyList<StoredJob> rest = await RetryUntilConnectedAsync(() => storage.FetchAsync(Fetch(100), Deadline.Token()).AsTask());
        IReadOnlyList<StoredJob?> leased = await storage.GetJobsAsync([.. firstLease.Select(j => j.Id)], Deadline.Token());

        firstLease.Should().HaveCount(10);
        rest.Should().HaveCount(40);
        leased.Should().OnlyContain(j => j != null && j.State == JobState.Running);
    }

    [Fact]
    public async Task WaitForWorkAsync_EnqueueFromAnotherStore_WakesWaiter()
    {
        string prefix = "w" + Guid.NewGuid().ToString("N");
        await using RedisJobStorage worker = NewStorage(prefix);
        await using RedisJobStorage producer = NewStorage(prefix);

        // The first wait of a new subscription returns at once, published wake-up or not; only the second proves one.
        await WakeUps.ConsumeAsync(worker, "default");
        Task wait = worker.WaitForWorkAsync("default", CancellationToken.None).AsTask();
        await producer.EnqueueAsync(new EnqueueRequest { Jobs = [Job()], Now = T0 }, Deadline.Token());

        await Deadline.Within(wait, "the wake-up published by another process's enqueue");
    }

    [Fact]
    public async Task WaitForWorkAsync_WokenWaiterBlocksUntilAnotherWakeUp_SubscriberKeepsReading()
    {
        string prefix = "w" + Guid.NewGuid().ToString("N");
        await using RedisJobStorage worker = NewStorage(prefix);
        await using RedisJobStorage producer = NewStorage(prefix);

        // The wake-up of the new subscription reaches b, the queue it was made for, and is spent; a, new after it, has
        // none, and a first wait on it spends its one look at the queue. Only the enqueues' messages wake what follows.
        await WakeUps.ConsumeAsync(worker, "b");
        await WakeUps.ConsumePendingAsync(worker, "a");
        Task waitB = worker.WaitForWorkAsync("b", CancellationToken.None).AsTask();
        using var aRunning = new SemaphoreSlim(0);

        // A woken waiter goes on inline, on the thread that delivered the message: while it blocks there, the wake-up
        // for queue b must still be delivered. Registered from the thread pool, so a spurious early wake-up
        // (allowed) never blocks the test itself. The waits have no token: Deadline.Within below bounds them and says
        // which wake-up did not come.
        Task<bool> blockedA = Task.Run(() => worker.WaitForWorkAsync("a", CancellationToken.None).AsTask().ContinueWith(
            _ =>
            {
                aRunning.Release();
                return waitB.Wait(TimeSpan.FromSeconds(20));
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default));
        await producer.EnqueueAsync(new EnqueueRequest { Jobs = [Job() with { Queue = "a" }], Now = T0 }, Deadline.Token());

        // Only once a's waiter runs: b's wake-up then comes in a later read than a's.
        await Deadline.Within(aRunning.WaitAsync(), "the waiter of queue a, woken by its enqueue");
        await producer.EnqueueAsync(new EnqueueRequest { Jobs = [Job() with { Queue = "b" }], Now = T0 }, Deadline.Token());

        (await Deadline.Within(blockedA, "the waiter of queue a, blocked until queue b is woken")).Should().BeTrue();
    }

    [Fact]
    public async Task EnqueueAsync_SmallJob_HashIsStoredCompactly()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob job = Job();

        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = T0 }, Deadline.Token());
        string? encoding = await (await RedisStores.DatabaseAsync(storage)).KeyEncodingAsync(storage.Prefix + "job:" + job.Id);

        // A job hash with no value over 64 bytes is a listpack: a fraction of a hashtable's memory and work.
        encoding.Should().Be("listpack");
    }

    [Fact]
    public async Task Storage_RequestsLargerThanOneScriptChunk_EnqueueLeaseAndCompleteEveryJobInOrder()
    {
        await using RedisJobStorage storage = NewStorage();

        // Over 1,000 jobs: the scripts write sorted sets and check ids in chunks of 1,000 members.
        NewJob[] jobs = [.. Enumerable.Range(0, 2_500).Select(_ => Job())];
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = T0 }, Deadline.Token());
        FetchRequest fetch = Fetch(3_000);
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(fetch, Deadline.Token());
        IReadOnlyList<bool> completed = await storage.CompleteAsync(
            [.. leased.Select(j => new JobCompletion { Id = j.Id, LeaseToken = fetch.LeaseToken, Now = T0.AddSeconds(1) })], Deadline.Token());
        IReadOnlyList<QueueStatistics> statistics = await storage.GetQueueStatisticsAsync(Deadline.Token());

        leased.Select(j => j.Id).Should().Equal(jobs.Select(j => j.Id));
        leased.Should().OnlyContain(j => j.State == JobState.Running && j.Attempt == 1 && j.Errors.Count == 0 && j.LeaseToken == fetch.LeaseToken);
        completed.Should().HaveCount(2_500).And.OnlyContain(ok => ok);
        statistics.Should().ContainSingle(q => q.Queue == "default").Which.Succeeded.Should().Be(2_500);
        statistics.Single(q => q.Queue == "default").Running.Should().Be(0);
    }

    [Fact]
    public async Task EnqueueAsync_JobsOfOneRequestDifferInSharedFields_EachKeepsItsOwn()
    {
        await using RedisJobStorage storage = NewStorage();

        // Name, queue, priority and options are sent once per distinct combination; interleaved combinations,
        // repeats of earlier ones and a callback without arguments must each land on the right job.
        NewJob[] jobs = [.. Enumerable.Range(0, 30).Select(i => Job() with
        {
            Name = "job-" + (i % 3),
            Queue = "q" + (i % 5),
            Priority = i % 2,
            MaxAttempts = 1 + (i % 4),
            Timeout = TimeSpan.FromSeconds(10 + (i % 3)),
        })];
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = T0 }, Deadline.Token());
        IReadOnlyList<StoredJob?> stored = await storage.GetJobsAsync([.. jobs.Select(j => j.Id)], Deadline.Token());

        stored.Select(j => (j!.Name, j.Queue, j.Priority, j.MaxAttempts, j.Timeout))
            .Should().Equal(jobs.Select(j => (j.Name, j.Queue, j.Priority, j.MaxAttempts, j.Timeout)));

        BatchId batchId = BatchId.New();
        NewJob noArguments = Job() with { Arguments = null! };
        Func<Task> act = () => storage.EnqueueAsync(
            new EnqueueRequest { Jobs = [Job() with { BatchId = batchId }], Batch = new NewBatch { Id = batchId, SuccessCallback = noArguments }, Now = T0 },
            Deadline.Token()).AsTask();
        await act.Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task EnqueueAsync_IdTakenInLargeRequest_WritesNothing()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob taken = Job();
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [taken], Now = T0 }, Deadline.Token());
        NewJob[] jobs = [.. Enumerable.Range(0, 1_500).Select(_ => Job())];
        jobs[1_200] = taken with { };

        Func<Task> act = () => storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = T0 }, Deadline.Token()).AsTask();

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage($"*{taken.Id}*already exists*");
        (await storage.GetJobsAsync([jobs[0].Id, jobs[1_499].Id], Deadline.Token())).Should().OnlyContain(j => j == null);
    }

    [Fact]
    public async Task CompleteAsync_SeveralJobsInOneCall_WakesEveryFinishWaiter()
    {
        string prefix = "f" + Guid.NewGuid().ToString("N");
        await using RedisJobStorage worker = NewStorage(prefix);
        await using RedisJobStorage watcher = NewStorage(prefix);
        NewJob[] jobs = [.. Enumerable.Range(0, 5).Select(_ => Job())];
        await worker.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = T0 }, Deadline.Token());
        FetchRequest fetch = Fetch(5);
        IReadOnlyList<StoredJob> leased = await worker.FetchAsync(fetch, Deadline.Token());

        // The waits register before the completion; one published message names all five jobs.
        Task[] waits = [.. jobs.Select(j => watcher.WaitForFinishAsync(j.Id, Deadline.Token()).AsTask())];
        await worker.CompleteAsync([.. leased.Select(j => new JobCompletion { Id = j.Id, LeaseToken = fetch.LeaseToken, Now = T0 })], Deadline.Token());

        await Deadline.Within(Task.WhenAll(waits), "the finish signal of each job completed in one call");
    }

    [Fact]
    public async Task FetchAsync_RetriedJob_ReturnsEarlierAttemptsErrors()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob job = Job();
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = T0 }, Deadline.Token());
        FetchRequest first = Fetch(1);
        await storage.FetchAsync(first, Deadline.Token());
        var error = new JobError { Type = "Boom", Message = "first attempt", Attempt = 1, At = T0 };
        await storage.FailAsync([new JobFailure { Id = job.Id, LeaseToken = first.LeaseToken, Error = error, RetryAt = T0, Now = T0 }], Deadline.Token());

        IReadOnlyList<StoredJob> second = await storage.FetchAsync(Fetch(1), Deadline.Token());

        second.Should().ContainSingle().Which.Attempt.Should().Be(2);
        second[0].Errors.Should().ContainSingle().Which.Message.Should().Be("first attempt");
    }

    [Fact]
    public async Task Storage_JobInSchemaOneIndexes_IsReadLeasedAndCompletedAndOldIndexesAreDropped()
    {
        await using RedisJobStorage storage = NewStorage();
        var id = JobId.New();
        await WriteJobInSchemaOneIndexesAsync(storage, id);

        IReadOnlyList<StoredJob> listed = (await storage.QueryJobsAsync(new JobQuery { Limit = 100, CountLimit = 0 }, Deadline.Token())).Jobs;
        StoredJobPage byName = await storage.QueryJobsAsync(new JobQuery { Name = "old-job", Limit = 100, CountLimit = 100 }, Deadline.Token());
        IReadOnlyList<QueueStatistics> before = await storage.GetQueueStatisticsAsync(Deadline.Token());
        var fetch = new FetchRequest { Queue = "mail", Limit = 10, Now = T0, LeaseToken = Guid.NewGuid(), LeaseExpiresAt = T0.AddMinutes(5), WorkerId = "test" };
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(fetch, Deadline.Token());
        IReadOnlyList<bool> completed = await storage.CompleteAsync([new JobCompletion { Id = id, LeaseToken = fetch.LeaseToken, Now = T0.AddSeconds(1) }], Deadline.Token());
        IReadOnlyList<QueueStatistics> after = await storage.GetQueueStatisticsAsync(Deadline.Token());
        IDatabase database = await RedisStores.DatabaseAsync(storage);
        long oldIndexes = await database.KeyExistsAsync([storage.Prefix + "jobs", storage.Prefix + "queue:mail", storage.Prefix + "state:1", storage.Prefix + "state:3"]);
        RedisValue schema = await database.StringGetAsync(storage.Prefix + "schema");

        StoredJob job = listed.Should().ContainSingle().Subject;
        job.Id.Should().Be(id);
        job.Name.Should().Be("old-job");
        job.State.Should().Be(JobState.Enqueued);
        job.Attempt.Should().Be(0);
        job.MaxAttempts.Should().Be(7);
        job.Timeout.Should().Be(TimeSpan.FromSeconds(30));
        job.RetryDelay.Should().Be(TimeSpan.FromSeconds(2));
        job.EnqueuedAt.Should().Be(T0);
        before.Should().ContainSingle().Which.Enqueued.Should().Be(1);
        leased.Should().ContainSingle().Which.Attempt.Should().Be(1);
        leased[0].MaxAttempts.Should().Be(7);
        completed.Should().Equal(true);
        after.Should().ContainSingle().Which.Succeeded.Should().Be(1);
        byName.Jobs.Should().ContainSingle().Which.Id.Should().Be(id, "the migration to schema 3 adds stored jobs to their name's set");
        byName.Total.Should().Be(1);
        oldIndexes.Should().Be(0);
        ((string?)schema).Should().Be(RedisScripts.SchemaVersion);
    }

    [Fact]
    public async Task Storage_SchemaThreeLeasesSet_IsUnlinkedAndTheLeaseItListedIsStillRescued()
    {
        string prefix = "p" + Guid.NewGuid().ToString("N");
        NewJob job = Job();
        await using (RedisJobStorage older = NewStorage(prefix))
        {
            await older.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = T0 }, Deadline.Token());
            await older.FetchAsync(Fetch(1), Deadline.Token());

            // As a host of schema 3 leaves it: the job listed in the set of leases by expiry, the layout's version 3.
            IDatabase database = await RedisStores.DatabaseAsync(older);
            await database.SortedSetAddAsync(older.Prefix + "leases", job.Id.ToString(), T0.AddMinutes(5).ToUnixTimeMilliseconds() * 1000.0);
            await database.StringSetAsync(older.Prefix + "schema", "3");
        }

        await using RedisJobStorage upgraded = NewStorage(prefix);
        IReadOnlyList<JobId> early = await upgraded.RescueExpiredLeasesAsync(
            new RescueRequest { Now = T0.AddMinutes(4), Limit = 10, ErrorType = "T", ErrorMessage = "lost" }, Deadline.Token());
        IDatabase upgradedDatabase = await RedisStores.DatabaseAsync(upgraded);
        bool leasesKept = await upgradedDatabase.KeyExistsAsync(upgraded.Prefix + "leases");
        RedisValue schema = await upgradedDatabase.StringGetAsync(upgraded.Prefix + "schema");
        IReadOnlyList<JobId> late = await upgraded.RescueExpiredLeasesAsync(
            new RescueRequest { Now = T0.AddMinutes(6), Limit = 10, ErrorType = "T", ErrorMessage = "lost" }, Deadline.Token());
        StoredJob? rescued = (await upgraded.GetJobsAsync([job.Id], Deadline.Token()))[0];

        early.Should().BeEmpty("the lease runs until five minutes after T0");
        leasesKept.Should().BeFalse("schema 4 keeps no set of leases by expiry");
        ((string?)schema).Should().Be(RedisScripts.SchemaVersion);
        late.Should().Equal(job.Id);
        rescued!.State.Should().Be(JobState.Enqueued);
        rescued.Errors.Should().ContainSingle().Which.Message.Should().Be("lost");
    }

    /// <summary>One Enqueued job in the job hash layout the scripts write, listed in schema 1's indexes as well.</summary>
    private static async Task WriteJobInSchemaOneIndexesAsync(RedisJobStorage storage, JobId id)
    {
        string p = storage.Prefix;
        string ticks = RedisValues.Ticks(T0);
        const string seq = "0000000000000001";
        IDatabase database = await RedisStores.DatabaseAsync(storage);
        await database.HashSetAsync(p + "job:" + id,
        [
            new("n", "old-job"), new("q", "mail"), new("pr", "0"), new("a", "{}"),
            new("o", $"7:{TimeSpan.FromSeconds(30).Ticks}:{TimeSpan.FromSeconds(2).Ticks}:{ticks}"), new("ra", ticks), new("seq", seq), new("s", "1"),
        ]);
        await database.SortedSetAddAsync(p + "ready:mail", ticks + ":" + seq + ":" + id, 0);
        foreach (string index in new[] { "jobs", "queue:mail", "state:1", "qs:mail:1" })
        {
            await database.SortedSetAddAsync(p + index, id.ToString(), 1);
        }

        await database.SetAddAsync(p + "queues", "mail");
        await database.StringSetAsync(p + "seq", "1");
    }

    [Fact]
    public async Task EnqueuePlainScript_SameRequestAsGeneralScript_WritesTheSameKeysAndValues()
    {
        await using RedisJobStorage general = NewStorage();
        await using RedisJobStorage plain = NewStorage();

        // Ready and delayed jobs, two templates, with and without a trace parent: every shape a plain request has.
        NewJob[] jobs =
        [
            Job(),
            Job() with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
            Job() with { RunAt = T0.AddMinutes(5) },
            Job() with { Queue = "other", Priority = 7 },
        ];
        var request = new EnqueueRequest { Jobs = jobs, Now = T0 };
        List<(string, NewJob)> kinds = [.. jobs.Select(j => ("c", j))];

        RedisResult generalReply = await general.EvalAsync(RedisScripts.Enqueue, EnqueueArguments.Build(general.Prefix, request, kinds), Deadline.Token());
        RedisResult plainReply = await plain.EvalAsync(RedisScripts.EnqueuePlain, EnqueueArguments.Build(plain.Prefix, request, kinds), Deadline.Token());

        ((string[])plainReply!).Should().Equal((string[])generalReply!);
        (await DumpAsync(plain)).Should().BeEquivalentTo(await DumpAsync(general));
    }

    [Fact]
    public async Task EnqueuePlainScript_IdTakenOrRepeated_WritesNothing()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob taken = Job();
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [taken], Now = T0 }, Deadline.Token());
        NewJob fresh = Job();
        Dictionary<string, string> before = await DumpAsync(storage);

        Func<Task> takenAgain = () => storage.EnqueueAsync(new EnqueueRequest { Jobs = [fresh, taken], Now = T0 }, Deadline.Token()).AsTask();
        Func<Task> repeated = () => storage.EnqueueAsync(new EnqueueRequest { Jobs = [fresh, fresh], Now = T0 }, Deadline.Token()).AsTask();

        (await takenAgain.Should().ThrowAsync<InvalidOperationException>()).WithMessage($"*{taken.Id}*already exists*");
        (await repeated.Should().ThrowAsync<InvalidOperationException>()).WithMessage($"*{fresh.Id}*already exists*");
        (await DumpAsync(storage)).Should().BeEquivalentTo(before);
    }

    /// <summary>Every key under the store's prefix (without it) with its value in a comparable form.</summary>
    private static async Task<Dictionary<string, string>> DumpAsync(RedisJobStorage storage)
    {
        var dump = new Dictionary<string, string>();
        IDatabase database = await RedisStores.DatabaseAsync(storage);
        IServer server = database.Multiplexer.GetServers()[0];
        await foreach (RedisKey redisKey in server.KeysAsync(pattern: storage.Prefix.Replace("{", "\\{", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal) + "*"))
        {
            string key = redisKey!;
            RedisType type = await database.KeyTypeAsync(key);
            IEnumerable<string?> parts = type switch
            {
                RedisType.Hash => (await database.HashGetAllAsync(key)).SelectMany(e => new[] { (string?)e.Name, (string?)e.Value }),
                RedisType.SortedSet => (await database.SortedSetRangeByRankWithScoresAsync(key)).SelectMany(e => new[] { (string?)e.Element, e.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture) }),
                RedisType.Set => (await database.SetMembersAsync(key)).Select(v => (string?)v),
                _ => [(string?)await database.StringGetAsync(key)],
            };

            // Hash fields in a fixed order, so two writes of the same fields in another order compare equal.
            dump[key[storage.Prefix.Length..]] = type == RedisType.Hash
                ? string.Join(",", parts.Chunk(2).Select(p => p[0] + "=" + p[1]).Order(StringComparer.Ordinal))
                : type + ":" + string.Join(",", parts);
        }

        return dump;
    }

    /// <summary>Retries a call while the connection comes back after a restart.</summary>
    private static async Task<T> RetryUntilConnectedAsync<T>(Func<Task<T>> call)
    {
        using CancellationTokenSource deadline = new(Deadline.Default);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException && !deadline.IsCancellationRequested)
            {
                // StackExchange.Redis reconnects in the background; a command sent before it is back fails.
            }
        }
    }

    [Fact]
    public async Task FetchAsync_JobHashWithDamagedOptionsAttemptAndSeq_LeasesItDescribedBesideTheOthers()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob[] jobs = [Job(), Job(), Job()];
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = T0 }, Deadline.Token());

        // Fields the scripts compute with: arithmetic on the attempt, or a seq as a score, would fail the whole fetch.
        IDatabase database = await RedisStores.DatabaseAsync(storage);
        await database.HashSetAsync(storage.Prefix + "job:" + jobs[1].Id, [new("o", "three:attempts"), new("at", "x"), new("seq", "y")]);
        FetchRequest fetch = Fetch(3);
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(fetch, Deadline.Token());
        IReadOnlyList<bool> failed = await storage.FailAsync(
            [new JobFailure { Id = jobs[1].Id, LeaseToken = fetch.LeaseToken, Error = new JobError { Type = "T", Message = "m" }, Now = T0 }],
            Deadline.Token());
        StoredJob? afterwards = (await storage.GetJobsAsync([jobs[1].Id], Deadline.Token()))[0];

        leased.Select(j => j.Id).Should().Equal(jobs.Select(j => j.Id));
        leased[0].Unreadable.Should().BeNull();
        leased[2].Unreadable.Should().BeNull();
        leased[1].Unreadable.Should().Contain("o (options)").And.Contain("at (attempt)");
        leased[1].MaxAttempts.Should().Be(0);
        failed.Should().Equal(true);
        afterwards!.State.Should().Be(JobState.Failed);
    }

    [Fact]
    public async Task RescueExpiredLeasesAsync_LeasedJobHashWithDamagedAttemptAndPriority_FailsItAndRescuesTheOthers()
    {
        await using RedisJobStorage storage = NewStorage();
        NewJob[] jobs = [Job(), Job()];
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = T0 }, Deadline.Token());
        await storage.FetchAsync(Fetch(2), Deadline.Token());

        // A rescue compares the attempt with the maximum and makes the job ready by its priority: neither reads here.
        IDatabase database = await RedisStores.DatabaseAsync(storage);
        await database.HashSetAsync(storage.Prefix + "job:" + jobs[0].Id, [new("at", "x"), new("pr", "high")]);
        IReadOnlyList<JobId> rescued = await storage.RescueExpiredLeasesAsync(
            new RescueRequest { Now = T0.AddMinutes(5), Limit = 10, ErrorType = "JobQueue.LeaseExpiredException", ErrorMessage = "expired" },
            Deadline.Token());
        IReadOnlyList<StoredJob?> afterwards = await storage.GetJobsAsync([.. jobs.Select(j => j.Id)], Deadline.Token());

        rescued.Should().BeEquivalentTo(jobs.Select(j => j.Id));
        afterwards[0]!.State.Should().Be(JobState.Failed, "a job whose attempt does not read is failed, not made ready");
        afterwards[0]!.Unreadable.Should().Contain("at (attempt)").And.Contain("pr (priority)");
        afterwards[1]!.State.Should().Be(JobState.Enqueued);
    }

    private RedisJobStorage NewStorage(string? prefix = null) => RedisStores.Create(_fixture.Server.ConnectionString, prefix ?? "p" + Guid.NewGuid().ToString("N"));
}
