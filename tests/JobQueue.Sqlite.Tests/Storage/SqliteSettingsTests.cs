using JobQueue.Sqlite.Storage;
using JobQueue.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Sqlite.Tests.Storage;

public sealed class SqliteSettingsTests
{
    [Theory]
    [InlineData("Data Source=jobs.db;Bogus Keyword=1", "*could not read the connection string*")]
    [InlineData(":memory:", "*in-memory database*UseInMemory*")]
    [InlineData("Data Source=jobs.db;Mode=Memory", "*in-memory database*")]
    [InlineData("Data Source=jobs.db;Mode=ReadOnly", "*read-only*")]
    [InlineData("Cache=Shared", "*names no file*")]
    public void UseSqlite_InvalidConnectionString_ThrowsArgumentExceptionNamingTheFix(string value, string message)
    {
        Action use = () => new ServiceCollection().AddJobQueue(q => q.UseSqlite(value));

        use.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void UseSqlite_NegativeRetryLimit_ThrowsNamingTheOption()
    {
        Action use = () => new ServiceCollection().AddJobQueue(q => q.UseSqlite("jobs.db", o => o.BusyRetryLimit = -1));

        use.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*BusyRetryLimit is -1*");
    }

    [Fact]
    public void Create_RelativePath_ResolvesToFullPath()
    {
        SqliteSettings settings = SqliteSettings.Create("jobs.db", new SqliteStorageOptions());

        settings.DataSource.Should().Be(Path.GetFullPath("jobs.db"));
    }

    [Fact]
    public async Task EnqueueAsync_FolderDoesNotExist_ThrowsNamingTheFolder()
    {
        using var database = new TempDatabase();
        string missing = Path.Combine(database.Folder, "missing", "jobs.db");
        var store = new SqliteJobStorage(SqliteSettings.Create(missing, new SqliteStorageOptions()));

        Func<Task> enqueue = async () => await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        await enqueue.Should().ThrowAsync<InvalidOperationException>().WithMessage($"*'{Path.GetDirectoryName(missing)}' does not exist*");
    }

    [Fact]
    public async Task EnqueueAsync_FileIsNotADatabase_ThrowsNamingTheFile()
    {
        using var database = new TempDatabase();
        await File.WriteAllTextAsync(database.FilePath, new string('x', 4096));
        SqliteJobStorage store = database.CreateStore();

        Func<Task> enqueue = async () => await store.EnqueueAsync(TestJobs.Request(TestJobs.New()), CancellationToken.None);

        await enqueue.Should().ThrowAsync<InvalidOperationException>().WithMessage($"*'{database.FilePath}'*not a SQLite database*");
    }

    [Fact]
    public void Capabilities_FileStore_AdvertiseSignalsAndCoalescing()
    {
        using var database = new TempDatabase();

        StorageCapabilities capabilities = database.CreateStore().Capabilities;

        capabilities.Should().BeEquivalentTo(new StorageCapabilities
        {
            WakeUpSignal = true,
            FinishSignal = true,
            ChangeSignal = true,
            CoalesceWrites = true,
        });
    }
}
