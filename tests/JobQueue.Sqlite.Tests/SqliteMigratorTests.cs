using JobQueue.Sqlite.Migrations;
using JobQueue.Storage;
using JobQueue.Testing;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Tests;

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

        SqliteJobStorage store = _database.CreateStore(o => o.MigrateOnStart = false);
        await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        ReadVersions().Should().Equal(AllVersions);
    }

    [Fact]
    public async Task Verify_EmptyDatabaseWithoutMigrateOnStart_ThrowsNamingTheScript()
    {
        SqliteJobStorage store = _database.CreateStore(o => o.MigrateOnStart = false);

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
        // A file as the previous package left it: schema version 1, with jobs in several states written through the
        // same insert statement, which later versions did not change.
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
                using var commands = new SqliteStatementCache(connection, writeLockHeld: false) { Transaction = transaction };
                var writer = new SqliteJobWriter(commands);
                writer.Enqueue(TestJobs.Request(low, high, early, later, done));
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

        SqliteJobStorage store = _database.CreateStore(o => o.MigrateOnStart = false);

        Func<Task> use = async () => await store.GetQueueStatisticsAsync(CancellationToken.None);

        await use.Should().ThrowAsync<InvalidOperationException>().WithMessage("*(missing: 3)*MigrateOnStart is false*");
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
