using System.Text;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JobQueue.Postgres.Tests;

public sealed class PostgresConfigurationTests
{
    private readonly Probe _probe = new();

    // The last value of a key wins, as with a later configuration source.
    private static IConfigurationSection Values(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(Enumerable.Reverse(values).DistinctBy(value => value.Key).ToDictionary(value => $"JobQueue:{value.Key}", value => value.Value))
            .Build()
            .GetSection("JobQueue");

    [Fact]
    public async Task UsePostgres_NoConnectionString_RunsJobsWithTheSectionsConnectionAndOptions()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresTestStore.NewSchema();
        string json = $$"""
            {
              "JobQueue": {
                "Postgres": {
                  "ConnectionString": "{{server.ConnectionString}}",
                  "Schema": "{{schema}}",
                  "ApplyMigrations": true,
                  "MinReconnectDelay": "00:00:00.200",
                  "MaxReconnectDelay": "00:00:03"
                }
              }
            }
            """;
        IConfigurationSection section = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("JobQueue");
        await using TestHost host = await TestHost.StartAsync(q => q.UsePostgres().Configure(section).AddTestJobs(), s => s.AddSingleton(_probe));

        JobInfo job = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("configured")));

        job.State.Should().Be(JobState.Succeeded);
        host.Services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.Should().BeEquivalentTo(new PostgresStorageOptions
        {
            Schema = schema,
            ApplyMigrations = true,
            MinReconnectDelay = TimeSpan.FromMilliseconds(200),
            MaxReconnectDelay = TimeSpan.FromSeconds(3),
        });
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using NpgsqlCommand count = dataSource.CreateCommand($"SELECT count(*) FROM {schema}.jobs");
        ((long)(await count.ExecuteScalarAsync())!).Should().Be(1);
    }

    [Fact]
    public async Task UsePostgres_KeysInSectionAndCode_SectionWins()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresTestStore.NewSchema();
        await using TestHost host = await TestHost.StartAsync(
            q => q.Configure(Values(("Postgres:Schema", schema)))
                .UsePostgres(server.ConnectionString, o => { o.Schema = "from_code"; o.MaxReconnectDelay = TimeSpan.FromSeconds(2); })
                .AddTestJobs(),
            s => s.AddSingleton(_probe));

        await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("where")));

        PostgresStorageOptions options = host.Services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value;
        options.Schema.Should().Be(schema, "the section sets it");
        options.MaxReconnectDelay.Should().Be(TimeSpan.FromSeconds(2), "the section leaves it to code");
    }

    [Theory]
    [InlineData("Postgres:Schema", "Bad-Schema", "JobQueue:Postgres:Schema is 'Bad-Schema'; use lower-case letters, digits and underscores*")]
    [InlineData("Postgres:MinReconnectDelay", "00:00:00", "JobQueue:Postgres:MinReconnectDelay is 00:00:00 and PostgresStorageOptions.MaxReconnectDelay is 00:00:05; the minimum must be positive and not above the maximum.")]
    [InlineData("Postgres:MaxReconnectDelay", "60.00:00:00", "JobQueue:Postgres:MaxReconnectDelay is 60.00:00:00; it must be at most*")]
    [InlineData("Postgres:ApplyMigrations", "sometimes", "JobQueue:Postgres:ApplyMigrations could not be read as a Boolean: *")]
    [InlineData("Postgres:KeyPrefix", "jobs", "JobQueue:Postgres:KeyPrefix is not a setting of PostgresStorageOptions; the keys here are: ApplyMigrations, ConnectionString, MaxReconnectDelay, MinReconnectDelay, Schema.")]
    [InlineData("Postgres:ConnectionString", "Host=db;Pasword=hunter2", "JobQueue:Postgres:ConnectionString is invalid: The PostgreSQL connection string is invalid: *")]
    [InlineData("Postgres:ConnectionString", "Database=app", "JobQueue:Postgres:ConnectionString is invalid: The PostgreSQL connection string names no Host*")]
    [InlineData("Postgres:ConnectionString", "", "JobQueue:Postgres:ConnectionString is not set*")]
    public async Task StartAsync_BadStoreValueInSection_FailsNamingTheKey(string key, string value, string message)
    {
        OptionsValidationException failure = await HostStart.FailureAsync(
            q => q.Configure(Values(("Postgres:ConnectionString", "Host=localhost;Database=app"), (key, value))).UsePostgres().AddTestJobs(),
            s => s.AddSingleton(_probe));

        failure.Failures.Should().ContainMatch(message).And.NotContainMatch("*hunter2*");
    }

    [Fact]
    public async Task StartAsync_ConnectionStringInSectionBesideADataSource_FailsNamingBoth()
    {
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create("Host=localhost;Database=app");

        OptionsValidationException failure = await HostStart.FailureAsync(
            q => q.Configure(Values(("Postgres:ConnectionString", "Host=other;Database=app"))).UsePostgres(dataSource).AddTestJobs(),
            s => s.AddSingleton(_probe));

        failure.Failures.Should().Equal("JobQueue:Postgres:ConnectionString is set, but code gave the store a data source; remove one of them.");
    }
}
