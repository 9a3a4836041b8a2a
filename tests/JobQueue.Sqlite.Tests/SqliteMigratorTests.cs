using JobQueue.Testing;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Tests;

public sealed class SqliteMigratorTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Migrate_ManyStoresStartingTogether_AppliesEachVersionOnce()
    {
        SqliteJobStorage[] stores = Enumerable.Range(0, 6).Select(_ => _database.CreateStore()).ToArray();

        await Deadline.Within(
            Task.WhenAll(stores.Select(store => store.GetQueueStatisticsAsync(CancellationToken.None).AsTask())),
            "every store to start");

        ReadVersions().Should().Equal(Enumerable.Range(1, JobQueueSqliteSchema.LatestVersion));
    }

    [Fact]
    public async Task Migrate_DatabaseAlreadyCurrent_AppliesNothing()
    {
        await _database.CreateStore().GetQueueStatisticsAsync(CancellationToken.None);

        await _database.CreateStore().GetQueueStatisticsAsync(CancellationToken.None);

        ReadVersions().Should().Equal(Enumerable.Range(1, JobQueueSqliteSchema.LatestVersion));
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

        ReadVersions().Should().Equal(Enumerable.Range(1, JobQueueSqliteSchema.LatestVersion));
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
