using System.Text;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace JobQueue.Redis.Tests;

[Collection(RedisCollection.Name)]
public sealed class RedisConfigurationTests
{
    private readonly RedisFixture _fixture;
    private readonly Probe _probe = new();

    public RedisConfigurationTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    // The last value of a key wins, as with a later configuration source.
    private static IConfigurationSection Values(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(Enumerable.Reverse(values).DistinctBy(value => value.Key).ToDictionary(value => $"JobQueue:{value.Key}", value => value.Value))
            .Build()
            .GetSection("JobQueue");

    [Fact]
    public async Task UseRedis_NoConnectionString_RunsJobsWithTheSectionsConnectionAndPrefix()
    {
        string prefix = "config-" + Guid.NewGuid().ToString("N");
        string json = $$"""
            { "JobQueue": { "Redis": { "ConnectionString": "{{_fixture.Server.ConnectionString}}", "KeyPrefix": "{{prefix}}" } } }
            """;
        IConfigurationSection section = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("JobQueue");
        await using TestHost host = await TestHost.StartAsync(q => q.UseRedis().Configure(section).AddTestJobs(), s => s.AddSingleton(_probe));

        JobInfo job = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("configured")));

        job.State.Should().Be(JobState.Succeeded);
        host.Services.GetRequiredService<IOptions<RedisStorageOptions>>().Value.KeyPrefix.Should().Be(prefix);
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_fixture.Server.ConnectionString);
        (await redis.GetDatabase().KeyExistsAsync($"{{{prefix}}}:seq")).Should().BeTrue("the store writes under the section's prefix");
    }

    [Fact]
    public async Task UseRedis_KeysInSectionAndCode_SectionWins()
    {
        string prefix = "config-" + Guid.NewGuid().ToString("N");
        await using TestHost host = await TestHost.StartAsync(
            q => q.Configure(Values(("Redis:ConnectionString", _fixture.Server.ConnectionString), ("Redis:KeyPrefix", prefix)))
                .UseRedis("127.0.0.1:1", o => o.KeyPrefix = "from-code")
                .AddTestJobs(),
            s => s.AddSingleton(_probe));

        JobInfo job = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("where")));

        job.State.Should().Be(JobState.Succeeded, "the section's connection string wins over the unreachable one in code");
        host.Services.GetRequiredService<IOptions<RedisStorageOptions>>().Value.KeyPrefix.Should().Be(prefix);
    }

    [Theory]
    [InlineData("Redis:KeyPrefix", "{jobs}", "JobQueue:Redis:KeyPrefix is '{jobs}'; it must be non-empty and contain no '{' or '}'*")]
    [InlineData("Redis:Schema", "jobs", "JobQueue:Redis:Schema is not a setting of RedisStorageOptions; the keys here are: ConnectionString, KeyPrefix.")]
    [InlineData("Redis:TrustedCertificateAuthority", "ca.pem", "JobQueue:Redis:TrustedCertificateAuthority cannot be set from configuration; set RedisStorageOptions.TrustedCertificateAuthority in code.")]
    [InlineData("Redis:ConnectionString", "", "JobQueue:Redis:ConnectionString is not set*")]
    [InlineData("Redis:ConnectionString", "redis://:hunter2@", "JobQueue:Redis:ConnectionString is invalid: *")]
    public async Task StartAsync_BadStoreValueInSection_FailsNamingTheKey(string key, string value, string message)
    {
        OptionsValidationException failure = await HostStart.FailureAsync(
            q => q.Configure(Values(("Redis:ConnectionString", "127.0.0.1:6379"), (key, value))).UseRedis().AddTestJobs(),
            s => s.AddSingleton(_probe));

        failure.Failures.Should().ContainMatch(message).And.NotContainMatch("*hunter2*");
    }

    [Fact]
    public async Task StartAsync_ConnectionStringInSectionBesideAMultiplexer_FailsNamingBoth()
    {
        OptionsValidationException failure = await HostStart.FailureAsync(
            q => q.Configure(Values(("Redis:ConnectionString", "127.0.0.1:6379")))
                .UseRedis(_ => throw new InvalidOperationException("not needed: the start fails first"))
                .AddTestJobs(),
            s => s.AddSingleton(_probe));

        failure.Failures.Should().Equal(
            "JobQueue:Redis:ConnectionString is set, but code gave the store a connection (IConnectionMultiplexer); remove one of them.");
    }
}
