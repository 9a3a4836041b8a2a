using System.Text;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobQueue.Sqlite.Tests;

public sealed class SqliteConfigurationTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly Probe _probe = new();

    public void Dispose() => _database.Dispose();

    // The last value of a key wins, as with a later configuration source.
    private static IConfigurationSection Values(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(Enumerable.Reverse(values).DistinctBy(value => value.Key).ToDictionary(value => $"JobQueue:{value.Key}", value => value.Value))
            .Build()
            .GetSection("JobQueue");

    private Task<TestHost> HostAsync(Action<JobQueueBuilder> configure, bool start = true)
        => TestHost.StartAsync(q => configure(q.AddTestJobs()), s => s.AddSingleton(_probe), start);

    [Fact]
    public async Task UseSqlite_NoPath_RunsJobsInTheFileTheSectionNames()
    {
        string json = $$"""
            {
              "JobQueue": {
                "PollInterval": "00:00:00.050",
                "Sqlite": {
                  "ConnectionString": "Data Source={{_database.FilePath}}",
                  "BusyTimeout": "00:00:03",
                  "BusyRetryLimit": 7,
                  "ApplyMigrations": true
                }
              }
            }
            """;
        IConfigurationSection section = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("JobQueue");
        await using TestHost host = await HostAsync(q => q.UseSqlite().Configure(section));

        JobInfo job = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("configured")));

        job.State.Should().Be(JobState.Succeeded);
        host.Services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.Should().BeEquivalentTo(
            new SqliteStorageOptions { BusyTimeout = TimeSpan.FromSeconds(3), BusyRetryLimit = 7, ApplyMigrations = true });
        using Microsoft.Data.Sqlite.SqliteConnection connection = _database.OpenConnection();
        using Microsoft.Data.Sqlite.SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM jobqueue_jobs";
        Convert.ToInt32(count.ExecuteScalar()).Should().Be(1);
    }

    [Fact]
    public async Task UseSqlite_KeysInSectionAndCode_SectionWins()
    {
        string codeFile = Path.Combine(_database.Folder, "from-code.db");
        await using TestHost host = await HostAsync(q => q
            .Configure(Values(("Sqlite:ConnectionString", _database.FilePath), ("Sqlite:BusyRetryLimit", "2")))
            .UseSqlite(codeFile, o => { o.BusyRetryLimit = 9; o.BusyTimeout = TimeSpan.FromSeconds(4); }));

        await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("where")));

        SqliteStorageOptions options = host.Services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value;
        options.BusyRetryLimit.Should().Be(2, "the section sets it");
        options.BusyTimeout.Should().Be(TimeSpan.FromSeconds(4), "the section leaves it to code");
        File.Exists(_database.FilePath).Should().BeTrue();
        File.Exists(codeFile).Should().BeFalse("the section's connection string wins over the path in code");
    }

    [Theory]
    [InlineData("Sqlite:BusyTimeout", "-00:00:01", "JobQueue:Sqlite:BusyTimeout is -00:00:01; it must be at least 1 millisecond (default 5 seconds).")]
    [InlineData("Sqlite:BusyRetryLimit", "-1", "JobQueue:Sqlite:BusyRetryLimit is -1; it must be zero or more (default 5).")]
    [InlineData("Sqlite:ApplyMigrations", "yes", "JobQueue:Sqlite:ApplyMigrations could not be read as a Boolean: *")]
    [InlineData("Sqlite:BusyTimout", "00:00:01", "JobQueue:Sqlite:BusyTimout is not a setting of SqliteStorageOptions; the keys here are: ApplyMigrations, BusyRetryLimit, BusyTimeout, ConnectionString.")]
    [InlineData("Sqlite:MigrateOnStart", "false", "JobQueue:Sqlite:MigrateOnStart is not a setting of SqliteStorageOptions*ApplyMigrations*")]
    [InlineData("Sqlite:ConnectionString", ":memory:", "JobQueue:Sqlite:ConnectionString is invalid: UseSqlite needs a file, but ':memory:' is an in-memory database*")]
    [InlineData("Sqlite:ConnectionString", "Data Source=jobs.db;Password=hunter2;Bogus=1", "JobQueue:Sqlite:ConnectionString is invalid: UseSqlite could not read the connection string: Microsoft.Data.Sqlite has no keyword 'bogus'*")]
    [InlineData("Sqlite:Mode", "ReadOnly", "JobQueue:Sqlite:Mode is not a setting of SqliteStorageOptions*")]
    [InlineData("Sqlite:ConnectionString", "", "JobQueue:Sqlite:ConnectionString is not set; the store's Use call without a connection string reads it from there.*")]
    public async Task StartAsync_BadStoreValueInSection_FailsNamingTheKey(string key, string? value, string message)
    {
        OptionsValidationException failure = await HostStart.FailureAsync(
            q => q.AddTestJobs().Configure(Values(("Sqlite:ConnectionString", _database.FilePath), (key, value))).UseSqlite(), s => s.AddSingleton(_probe));

        failure.Failures.Should().ContainMatch(message)
            .And.NotContainMatch("*hunter2*");
    }

    [Fact]
    public async Task StartAsync_UseSqliteWithoutPathOrConfiguration_FailsSayingWhereTheFileComesFrom()
    {
        OptionsValidationException failure = await HostStart.FailureAsync(q => q.AddTestJobs().UseSqlite(), s => s.AddSingleton(_probe));

        failure.Failures.Should().ContainMatch(
            "SqliteStorageOptions: no connection string: the store's Use call without one reads it from Sqlite:ConnectionString, but q.Configure(section) was not called*");
    }

    [Fact]
    public async Task StartAsync_OnlyStoreValueIsBad_FailsEvenInAProcessThatRunsNoWorker()
    {
        OptionsValidationException failure = await HostStart.FailureAsync(
            q => q.AddTestJobs().Configure(Values(("RunWorker", "false"), ("Sqlite:ConnectionString", _database.FilePath), ("Sqlite:BusyRetryLimit", "-3"))).UseSqlite(),
            s => s.AddSingleton(_probe));

        failure.Failures.Should().Equal(
            "JobQueue:Sqlite:BusyRetryLimit is -3; it must be zero or more (default 5).");
    }

    [Fact]
    public void UseSqlite_BadValueInCode_StillThrowsAtOnceNamingTheOption()
    {
        Action use = () => new ServiceCollection().AddJobQueue(q => q.UseSqlite(o => o.BusyRetryLimit = -1));

        use.Should().Throw<ArgumentException>().WithMessage("SqliteStorageOptions.BusyRetryLimit is -1; it must be zero or more (default 5).*");
    }

#pragma warning disable CS0618 // The former name is tested on purpose: it must keep working for one release.
    [Fact]
    public void MigrateOnStart_FormerName_ReadsAndSetsApplyMigrations()
    {
        var options = new SqliteStorageOptions { MigrateOnStart = false };

        options.ApplyMigrations.Should().BeFalse();
        options.ApplyMigrations = true;
        options.MigrateOnStart.Should().BeTrue();
    }

    [Fact]
    public async Task MigrateOnStart_FormerNameFalse_StoreRefusesAnEmptyDatabase()
    {
        await using TestHost host = await HostAsync(q => q.UseSqlite(_database.FilePath, o => o.MigrateOnStart = false));

        Func<Task> enqueue = async () => await host.Client.EnqueueAsync(new RecordArgs("refused"));

        await enqueue.Should().ThrowAsync<InvalidOperationException>().WithMessage("*ApplyMigrations is false*");
    }
#pragma warning restore CS0618
}
