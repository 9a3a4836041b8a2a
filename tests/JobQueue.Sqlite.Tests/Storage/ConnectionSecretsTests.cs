using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Sqlite.Tests.Storage;

/// <summary>
/// A password in a SQLite connection string (Microsoft.Data.Sqlite accepts Password= for encrypted builds) never
/// reaches an exception or a log line: not when UseSqlite refuses the string, not when the file cannot be opened.
/// </summary>
public sealed class ConnectionSecretsTests : IDisposable
{
    private const string Secret = "Xq7SecretSqlitePassword42";
    private readonly TempDatabase _database = new();

    public static TheoryData<string> Refused => new()
    {
        $"Data Source=:memory:;Password={Secret}",
        $"Data Source=jobs.db;Password={Secret};Mode=ReadOnly",
        $"Password={Secret}",
        $"Data Source=jobs.db;Password={Secret};Bogus=1",
        $"Data Source=jobs.db;Password={Secret};Mode={Secret}",
        $"Data Source=jobs.db;Password='{Secret}",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void UseSqlite_RefusedStringWithPassword_ErrorNeverShowsThePassword(string connectionString)
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UseSqlite(connectionString).AddTestJobs());

        ArgumentException error = act.Should().Throw<ArgumentException>().Which;
        SecretScan.Find(Secret, error).Should().BeEmpty();
    }

    [Fact]
    public void UseSqlite_RefusedString_StillNamesTheFile()
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UseSqlite($"Data Source=/data/jobs.db;Password={Secret};Mode=ReadOnly").AddTestJobs());

        act.Should().Throw<ArgumentException>().WithMessage("*/data/jobs.db*Mode=ReadOnly*");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EnqueueAsync_DatabaseCannotBeOpened_ErrorAndLogsNeverShowThePassword(bool missingFolder)
    {
        // A folder that does not exist, or a password the bundled SQLite (no encryption) refuses to open with.
        string file = missingFolder ? Path.Combine(_database.Folder, "missing", "jobs.db") : _database.FilePath;
        await using TestHost host = await TestHost.StartAsync(q => q.UseSqlite($"Data Source={file};Password={Secret}").AddTestJobs(), start: false);

        Func<Task> act = async () => await host.Client.EnqueueAsync(new RecordArgs("x"));

        Exception error = (await act.Should().ThrowAsync<Exception>()).Which;
        SecretScan.Find(Secret, error, host.Logs.Entries).Should().BeEmpty();
    }

    [Fact]
    public async Task WorkerHost_DatabaseCannotBeOpened_LogsNeverShowThePassword()
    {
        string file = Path.Combine(_database.Folder, "missing", "jobs.db");
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseSqlite($"Data Source={file};Password={Secret}").AddTestJobs().Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(50)));

        await host.Logs.WaitForAsync(e => e.EventId.Id == 1101, "a logged fetch failure");
        await host.Logs.WaitForAsync(e => e.EventId.Id == 3003, "a logged maintenance failure");
        await host.StopAsync();

        SecretScan.Find(Secret, logs: host.Logs.Entries).Should().BeEmpty();
    }

    public void Dispose() => _database.Dispose();
}
