using JobQueue.Sqlite.Migrations;
using JobQueue.Sqlite.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace JobQueue.Sqlite.Tests.Migrations;

public sealed class SqliteMigratorTests : IDisposable
{
    /// <summary>The catalog's versions, not 1 to the latest: versions are numbered per feature, so one build may lack some.</summary>
    private static readonly int[] AllVersions = [.. SqliteMigrations.All.Select(m => m.Version)];

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Migrate_ManyStoresStartingTogether_AppliesEachVersionOnce()
    {
        SqliteJobStorage[] stores = Enumerable.Range(0, 6).Select(_ => _database.CreateStore()).ToArray();

        await Deadline.Within(
            Task.WhenAll(stores.Select(store => store.GetQueueStatisticsAsync(CancellationToken.None).AsTask())),
            "every store to start");

        ReadVersions().Should().Equal(AllVersions);
    }

    [Fact]
    public async Task Migrate_ManyStoresStartingTogether_OneLogsTheVersionsItAppliedAndEachLogsTheOpenedFile()
    {
        var logs = new CapturingLoggerProvider();
        SqliteJobStorage[] stores = Enumerable.Range(0, 4).Select(_ => _database.CreateStore(logger: logs.CreateLogger("JobQueue.Sqlite"))).ToArray();

        await Deadline.Within(
            Task.WhenAll(stores.Select(store => store.GetQueueStatisticsAsync(CancellationToken.None).AsTask())),
            "every store to start");

        LogEntry applied = logs.Entries.Should().ContainSingle(e => e.EventId.Id == 5203).Which;
        applied.Level.Should().Be(LogLevel.Information);
        applied.Message.Should().Be($"Applied JobQueue schema migrations {string.Join(", ", AllVersions)} to the SQLite database {_database.FilePath}");
        logs.Entries.Where(e => e.EventId.Id == 5204).Should().HaveCount(4)
            .And.OnlyContain(e => e.Level == LogLevel.Information && e.Message.Contains(_database.FilePath, StringComparison.Ordinal)
                && e.Message.Contains("journal mode wal", StringComparison.Ordinal)
                && e.Message.Contains($"schema version {JobQueueSqliteSchema.LatestVersion}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UseSqlite_HostStarts_LogsTheMigrationsThroughTheApplicationsLoggerFactory()
    {
        await using TestHost host = await TestHost.StartAsync(q => q.UseSqlite(_database.FilePath));

        await host.Storage.GetQueueStatisticsAsync(CancellationToken.None);

        LogEntry applied = await host.Logs.WaitForAsync(e => e.EventId.Id == 5203, "the migrations applied (5203)");
        applied.Category.Should().Be("JobQueue.Sqlite");
        applied.Message.Should().Contain(string.Join(", ", AllVersions));
    }

    [Fact]
    public async Task Migrate_DatabaseAlreadyCurrent_AppliesNothing()
    {
        await _database.CreateStore().GetQueueStatisticsAsync(CancellationToken.None);

        await _database.CreateStore().GetQueueStatisticsAsync(CancellationToken.None);

        ReadVersions().Should().Equal(AllVersions);
    }

    [Fact]
    public async Task GetMigrationScript_AppliedByHand_LetsStoreStartWithoutMigrating()
    {
        using (SqliteConnection connection = _database.OpenConnection())
        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            Execute(connection, transaction, JobQueueSqliteSchema.GetMigrationScript());
            transaction.Commit();
        }

        SqliteJobStorage store = _database.CreateStore(o => o.ApplyMigrations = false);
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        ReadVersions().Should().Equal(AllVersions);
    }

    [Fact]
    public async Task Verify_EmptyDatabaseWithoutApplyMigrations_ThrowsNamingTheScript()
    {
        SqliteJobStorage store = _database.CreateStore(o => o.ApplyMigrations = false);

        Func<Task> use = async () => await store.GetQueueStatisticsAsync(CancellationToken.None);

        await use.Should().ThrowAsync<InvalidOperationException>().WithMessage("*schema version 0*GetMigrationScript(0)*");
    }

    [Fact]
    public async Task Migrate_DatabaseFromNewerPackage_ThrowsAskingForUpgrade()
    {
        await _database.CreateStore().GetQueueStatisticsAsync(CancellationToken.None);
        using (SqliteConnection connection = _database.OpenConnection())
        {
            Execute(connection, null, "INSERT INTO jobqueue_schema_version (version, applied_at) VALUES (999, 0);");
        }

        Func<Task> use = async () => await _database.CreateStore().GetQueueStatisticsAsync(CancellationToken.None);

        await use.Should().ThrowAsync<InvalidOperationException>().WithMessage("*version 999*Upgrade the JobQueue.Sqlite package*");
    }

    [Fact]
    public async Task Migrate_DatabaseOfVersion1WithJobs_UpgradesInPlaceAndKeepsEveryJob()
    {
        // A file as the previous package left it: schema version 1, with jobs in several states written with the
        // columns version 1 had.
        NewJob low = TestJobs.New(priority: 0);
        NewJob high = TestJobs.New(priority: 5);
        NewJob early = TestJobs.New(priority: 0, runAt: TestJobs.Now.AddSeconds(-10));
        NewJob later = TestJobs.New(runAt: TestJobs.Now.AddHours(1));
        NewJob done = TestJobs.New(queue: "other");
        using (SqliteConnection connection = _database.OpenConnection())
        {
            using (SqliteTransaction transaction = connection.BeginTransaction())
            {
                Execute(connection, transaction, SqliteMigrations.VersionTableSql);
                Execute(connection, transaction, SqliteMigrations.All[0].Sql);
                Execute(connection, transaction, "INSERT INTO jobqueue_schema_version (version, applied_at) VALUES (1, 0);");
                foreach (NewJob job in new[] { low, high, early, later, done })
                {
                    InsertVersion1Job(connection, transaction, job);
                }

                // Finished by hand: today's fetch also reads a table of a later version (the paused queues).
                Execute(connection, transaction, "UPDATE jobqueue_jobs SET state = 3, attempt = 1, started_at = enqueued_at, finished_at = enqueued_at WHERE queue = 'other';");
                transaction.Commit();
            }
        }

        SqliteJobStorage store = _database.CreateStore();
        IReadOnlyList<QueueStatistics> statistics = await store.GetQueueStatisticsAsync(CancellationToken.None);
        IReadOnlyList<StoredJob> leasedAfter = await store.FetchAsync(TestJobs.Fetch(), CancellationToken.None);

        ReadVersions().Should().Equal(AllVersions);
        statistics.Should().BeEquivalentTo(new[]
        {
            new QueueStatistics { Queue = "default", Enqueued = 3, Scheduled = 1 },
            new QueueStatistics { Queue = "other", Succeeded = 1 },
        });
        leasedAfter.Select(job => job.Id).Should().Equal(high.Id, early.Id, low.Id);
        (await store.GetQueueStatisticsAsync(CancellationToken.None)).Should().BeEquivalentTo(new[]
        {
            new QueueStatistics { Queue = "default", Running = 3, Scheduled = 1 },
            new QueueStatistics { Queue = "other", Succeeded = 1 },
        });
        ReadIndex("jobqueue_jobs_queue_state").Should().Contain("WHERE state <> 1");
        ReadIndex("jobqueue_jobs_ready").Should().Contain("(queue, priority DESC, run_at)");
    }

    [Fact]
    public async Task Verify_LaterVersionRecordedButAnEarlierOneMissing_ThrowsNamingTheMissingVersion()
    {
        using (SqliteConnection connection = _database.OpenConnection())
        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            Execute(connection, transaction, SqliteMigrations.VersionTableSql);
            foreach (SqliteMigration migration in SqliteMigrations.All.Where(m => m.Version != 3))
            {
                Execute(connection, transaction, migration.Sql);
                Execute(connection, transaction, $"INSERT INTO jobqueue_schema_version (version, applied_at) VALUES ({migration.Version}, 0);");
            }

            transaction.Commit();
        }

        SqliteJobStorage store = _database.CreateStore(o => o.ApplyMigrations = false);

        Func<Task> use = async () => await store.GetQueueStatisticsAsync(CancellationToken.None);

        await use.Should().ThrowAsync<InvalidOperationException>().WithMessage("*(missing: 3)*ApplyMigrations is false*");
    }

    [Fact]
    public async Task Migrate_DatabaseWithALaterVersionButNotAnEarlierOne_AppliesTheMissingOne()
    {
        // Versions are numbered in advance for work done in parallel: a file may hold version 5 and lack version 2.
        using (SqliteConnection connection = _database.OpenConnection())
        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            Execute(connection, transaction, SqliteMigrations.VersionTableSql);
            foreach (SqliteMigration migration in SqliteMigrations.All.Where(m => m.Version != 2))
            {
                Execute(connection, transaction, migration.Sql);
                Execute(connection, transaction, $"INSERT INTO jobqueue_schema_version (version, applied_at) VALUES ({migration.Version}, 0);");
            }

            transaction.Commit();
        }

        SqliteJobStorage store = _database.CreateStore();
        await store.GetQueueStatisticsAsync(CancellationToken.None);

        ReadVersions().Should().Equal(SqliteMigrations.All.Select(m => m.Version));
        ReadIndex("jobqueue_jobs_ready").Should().Contain("(queue, priority DESC, run_at)", "version 2 was applied");
    }

    [Fact]
    public async Task Migrate_DatabaseOfVersion6WithKeyedJob_UpgradesAndTheOldJobHoldsItsKeyUntilItSucceeds()
    {
        // The previous package's schema (every version before 7) and a job it wrote with an idempotency key: after the
        // upgrade the old row reads as UntilSucceeded (the rule it was written under), has no limit key, and runs.
        NewJob old = TestJobs.New(idempotencyKey: "order-1");
        using (SqliteConnection connection = _database.OpenConnection())
        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            Execute(connection, transaction, SqliteMigrations.VersionTableSql);
            foreach (SqliteMigration migration in SqliteMigrations.All.Where(m => m.Version < 7))
            {
                Execute(connection, transaction, migration.Sql);
                Execute(connection, transaction, $"INSERT INTO jobqueue_schema_version (version, applied_at) VALUES ({migration.Version}, 0);");
            }

            InsertVersion1Job(connection, transaction, old);
            transaction.Commit();
        }

        SqliteJobStorage store = _database.CreateStore();
        IReadOnlyList<EnqueueResult> whileQueued = await store.EnqueueAsync(TestJobs.Request(TestJobs.New(idempotencyKey: "order-1")), CancellationToken.None);
        StoredJob leased = (await store.FetchAsync(TestJobs.Fetch() with { Limits = new FetchLimits { ConcurrencyPerKey = 1 } }, CancellationToken.None)).Single();
        await store.CompleteAsync([TestJobs.Completion(leased)], CancellationToken.None);
        IReadOnlyList<EnqueueResult> afterSuccess = await store.EnqueueAsync(TestJobs.Request(TestJobs.New(idempotencyKey: "order-1")), CancellationToken.None);

        ReadVersions().Should().Equal(AllVersions);
        whileQueued.Single().Should().Be(new EnqueueResult { Id = old.Id, Created = false });
        leased.Id.Should().Be(old.Id);
        leased.LimitKey.Should().BeNull();
        afterSuccess.Single().Should().Be(new EnqueueResult { Id = old.Id, Created = false }, "a job of the old schema holds its key until it is pruned once it succeeded");
        ReadIndex("jobqueue_jobs_idempotency").Should().NotContain("UNIQUE");
    }

    /// <summary>Writes a job with the columns of schema version 1 only, as a package of that version did.</summary>
    private static void InsertVersion1Job(SqliteConnection connection, SqliteTransaction transaction, NewJob job)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO jobqueue_jobs (id, name, queue, state, priority, arguments, max_attempts, timeout_ticks,
                retry_delay_ticks, run_at, enqueued_at, idempotency_key)
            VALUES ($id, $name, $queue, $state, $priority, $arguments, $max_attempts, $timeout_ticks,
                $retry_delay_ticks, $run_at, $now, $idempotency_key);
            """;
        command.Parameters.AddWithValue("$id", job.Id.ToString());
        command.Parameters.AddWithValue("$name", job.Name);
        command.Parameters.AddWithValue("$queue", job.Queue);
        command.Parameters.AddWithValue("$state", job.RunAt > TestJobs.Now ? 0 : 1);
        command.Parameters.AddWithValue("$priority", job.Priority);
        command.Parameters.AddWithValue("$arguments", job.Arguments);
        command.Parameters.AddWithValue("$max_attempts", job.MaxAttempts);
        command.Parameters.AddWithValue("$timeout_ticks", job.Timeout.Ticks);
        command.Parameters.AddWithValue("$retry_delay_ticks", job.RetryDelay.Ticks);
        command.Parameters.AddWithValue("$run_at", SqliteTime.ToStored(job.RunAt));
        command.Parameters.AddWithValue("$now", SqliteTime.ToStored(TestJobs.Now));
        command.Parameters.AddWithValue("$idempotency_key", (object?)job.IdempotencyKey ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private string ReadIndex(string name)
    {
        using SqliteConnection connection = _database.OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $name;";
        command.Parameters.AddWithValue("$name", name);
        return (string)command.ExecuteScalar()!;
    }

    private List<int> ReadVersions()
    {
        using SqliteConnection connection = _database.OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM jobqueue_schema_version ORDER BY version;";
        using SqliteDataReader reader = command.ExecuteReader();
        var versions = new List<int>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
