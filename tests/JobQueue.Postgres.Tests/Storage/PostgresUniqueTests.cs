using JobQueue.Postgres.Migrations;
using JobQueue.Postgres.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace JobQueue.Postgres.Tests.Storage;

/// <summary>Unique jobs on PostgreSQL: holders by their own idempotency scope, replace-on-conflict, key locks, the upgrade.</summary>
public sealed class PostgresUniqueTests : IAsyncLifetime
{
    private PostgresTestStore _store = null!;

    private IJobStorage Storage => _store.Storage;

    public async Task InitializeAsync() => _store = await PostgresTestStore.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task EnqueueAsync_HolderByItsOwnScope_DecidesWhetherTheKeyIsFree()
    {
        NewJob whileQueued = Unique("q", IdempotencyScope.WhileQueued);
        NewJob untilSucceeded = Unique("s", IdempotencyScope.UntilSucceeded);
        NewJob whileRunning = Unique("r", IdempotencyScope.WhileQueuedOrRunning);
        await Storage.EnqueueAsync(Requests.Enqueue(whileQueued, untilSucceeded, whileRunning), CancellationToken.None);
        IReadOnlyList<StoredJob> leased = await Storage.FetchAsync(Requests.Fetch(), CancellationToken.None);
        await Storage.CompleteAsync([Requests.Completion(leased.Single(j => j.Id == untilSucceeded.Id))], CancellationToken.None);

        EnqueueResult runningQ = await EnqueueOne(Unique("q", IdempotencyScope.WhileQueued));
        EnqueueResult succeededS = await EnqueueOne(Unique("s", IdempotencyScope.UntilSucceeded));
        EnqueueResult runningR = await EnqueueOne(Unique("r", IdempotencyScope.WhileQueued));

        runningQ.Created.Should().BeTrue("a running WhileQueued job no longer holds its key");
        succeededS.Should().Be(new EnqueueResult { Id = untilSucceeded.Id, Created = false });
        runningR.Should().Be(new EnqueueResult { Id = whileRunning.Id, Created = false }, "the holder's scope decides, not the new job's");
    }

    [Fact]
    public async Task EnqueueAsync_ForPeriod_HoldsUntilItsTimeWhateverTheState()
    {
        NewJob first = Unique("p", IdempotencyScope.ForPeriod) with { IdempotencyUntil = Requests.Now.AddMinutes(10) };
        await EnqueueOne(first);
        await Storage.CancelAsync(new CancelRequest { Ids = [first.Id], Now = Requests.Now }, CancellationToken.None);

        EnqueueResult within = await EnqueueOne(Unique("p", IdempotencyScope.ForPeriod), Requests.Now.AddMinutes(9));
        EnqueueResult after = await EnqueueOne(Unique("p", IdempotencyScope.ForPeriod), Requests.Now.AddMinutes(10));

        within.Should().Be(new EnqueueResult { Id = first.Id, Created = false });
        after.Created.Should().BeTrue();
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceOnConflict_DebouncesAWaitingHolderOnly()
    {
        NewJob scheduled = Unique("d", IdempotencyScope.WhileQueued) with { RunAt = Requests.Now.AddMinutes(5) };
        await EnqueueOne(scheduled);
        NewJob replacement = Unique("d", IdempotencyScope.WhileQueued) with
        {
            RunAt = Requests.Now, Arguments = "{\"n\":2}"u8.ToArray(), ReplaceOnConflict = true,
        };

        EnqueueResult replaced = await EnqueueOne(replacement);

        replaced.Should().Be(new EnqueueResult { Id = scheduled.Id, Created = false, Replaced = true });
        StoredJob holder = (await Storage.GetJobsAsync([scheduled.Id], CancellationToken.None))[0]!;
        holder.State.Should().Be(JobState.Enqueued);
        holder.RunAt.Should().Be(Requests.Now);
        holder.Arguments.Should().Equal(replacement.Arguments);

        NewJob running = Unique("x", IdempotencyScope.WhileQueuedOrRunning);
        await EnqueueOne(running);
        await Storage.FetchAsync(Requests.Fetch(), CancellationToken.None);
        EnqueueResult notReplaced = await EnqueueOne(Unique("x", IdempotencyScope.WhileQueuedOrRunning) with { ReplaceOnConflict = true });
        notReplaced.Should().Be(new EnqueueResult { Id = running.Id, Created = false });
    }

    [Fact]
    public async Task EnqueueAsync_ReplaceWithinOneRequest_WritesTheFirstWithTheLastArguments()
    {
        NewJob first = Unique("same", IdempotencyScope.WhileQueued) with { RunAt = Requests.Now.AddMinutes(1) };
        NewJob second = Unique("same", IdempotencyScope.WhileQueued) with { Arguments = "{\"n\":2}"u8.ToArray(), ReplaceOnConflict = true };
        NewJob plain = Requests.Job();

        IReadOnlyList<EnqueueResult> results = await Storage.EnqueueAsync(Requests.Enqueue(first, second, plain), CancellationToken.None);

        results.Should().Equal(
            new EnqueueResult { Id = first.Id, Created = true },
            new EnqueueResult { Id = first.Id, Created = false, Replaced = true },
            new EnqueueResult { Id = plain.Id, Created = true });
        StoredJob stored = (await Storage.GetJobsAsync([first.Id], CancellationToken.None))[0]!;
        stored.Arguments.Should().Equal(second.Arguments);
        stored.State.Should().Be(JobState.Enqueued);
        (await Storage.GetJobsAsync([second.Id], CancellationToken.None))[0].Should().BeNull();
    }

    [Fact]
    public async Task EnqueueAsync_OneKeyFromManyHostsAtOnce_CreatesOneHolder()
    {
        PostgresJobStorage[] hosts = [.. Enumerable.Range(0, 8).Select(_ => _store.OtherHost())];
        try
        {
            // Lone jobs (one statement after the key's lock) and requests of several jobs (the staged path) race together.
            EnqueueResult[] results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
            {
                IJobStorage host = hosts[i % hosts.Length];
                EnqueueRequest request = i % 2 == 0
                    ? Requests.Enqueue(Unique("race", IdempotencyScope.WhileQueued))
                    : Requests.Enqueue(Unique("race", IdempotencyScope.WhileQueued), Requests.Job());
                return (await host.EnqueueAsync(request, CancellationToken.None))[0];
            })));

            results.Where(r => r.Created).Should().ContainSingle();
            results.Select(r => r.Id).Distinct().Should().ContainSingle();
            (await _store.ScalarAsync("SELECT count(*) FROM {s}.jobs WHERE idempotency_key = 'race'")).Should().Be(1);
        }
        finally
        {
            foreach (PostgresJobStorage host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Upgrade_FromVersion5WithAJob_KeepsItsKeyAndWorks()
    {
        string schema = PostgresTestStore.NewSchema();
        await using NpgsqlDataSource dataSource = await PostgresTestStore.SharedDataSourceAsync();
        try
        {
            Guid old = Guid.NewGuid();
            await ExecuteAsync(dataSource, MigrationCatalog.Bootstrap(schema));
            foreach (Migration migration in MigrationCatalog.All.Where(m => m.Version <= 5))
            {
                await ExecuteAsync(dataSource, migration.Sql(schema));
                await ExecuteAsync(dataSource, $"INSERT INTO {schema}.schema_migrations (version, description) VALUES ({migration.Version}, 'old')");
            }

            // A job as version 5 wrote it, holding its key.
            await ExecuteAsync(dataSource, $"""
                INSERT INTO {schema}.jobs (id, name, queue, state, arguments, max_attempts, timeout_ticks, retry_delay_ticks,
                                           run_at, enqueued_at, idempotency_key)
                VALUES ('{old}', 'test-job', 'default', 1, '\x7b7d', 3, 300000000, 10000000, '2026-01-01T12:00:00Z', '2026-01-01T12:00:00Z', 'old-key')
                """);

            await using var storage = new PostgresJobStorage(dataSource, ownsDataSource: false, new PostgresStorageOptions { Schema = schema }, NullLogger.Instance);
            EnqueueResult again = (await storage.EnqueueAsync(Requests.Enqueue(Unique("old-key", IdempotencyScope.WhileQueued)), CancellationToken.None))[0];
            NewJob keyed = Requests.Job() with { LimitKey = "customer" };
            await storage.EnqueueAsync(Requests.Enqueue(keyed), CancellationToken.None);
            IReadOnlyList<StoredJob> leased = await storage.FetchAsync(
                Requests.Fetch() with { Limits = new FetchLimits { ConcurrencyPerKey = 1 } }, CancellationToken.None);
            await storage.CompleteAsync([Requests.Completion(leased[0])], CancellationToken.None);
            EnqueueResult afterSuccess = (await storage.EnqueueAsync(Requests.Enqueue(Unique("old-key", IdempotencyScope.WhileQueued)), CancellationToken.None))[0];

            again.Should().Be(new EnqueueResult { Id = new JobId(old), Created = false });
            leased.Select(j => j.Id).Should().Equal(new JobId(old), keyed.Id);
            leased[1].LimitKey.Should().Be("customer");
            afterSuccess.Should().Be(new EnqueueResult { Id = new JobId(old), Created = false }, "a row written before version 6 holds its key as UntilSucceeded: a succeeded job keeps it");
        }
        finally
        {
            await ExecuteAsync(dataSource, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    private static NewJob Unique(string key, IdempotencyScope scope) => Requests.Job(key: key) with { IdempotencyScope = scope };

    private async Task<EnqueueResult> EnqueueOne(NewJob job, DateTimeOffset? now = null) =>
        (await Storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = now ?? Requests.Now }, CancellationToken.None))[0];

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
