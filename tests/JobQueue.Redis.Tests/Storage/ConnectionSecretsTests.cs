using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>
/// A password given to UseRedis, in StackExchange.Redis syntax or in a redis:// or rediss:// URI, never reaches an
/// exception or a log line: not when the string is malformed, not when the server cannot be reached, not while the
/// host keeps failing against it.
/// </summary>
public sealed class ConnectionSecretsTests
{
    private const string Secret = "Xq7SecretRedisPassword42";

    public static TheoryData<string> Malformed => new()
    {
        $"127.0.0.1:6379,password={Secret},bogus=1",
        $"127.0.0.1:6379,password={Secret},connectTimeout={Secret}",
        $"127.0.0.1:6379,password={Secret},commandTimeout={Secret}",
        $"127.0.0.1:6379,password={Secret},ssl={Secret}",
        $"127.0.0.1:abc,password={Secret}",
        $"password={Secret}",
        $"127.0.0.1:6379,password={Secret},sslHost=cache.example",
        $"redis://app:{Secret}@127.0.0.1:99999/0",
        $"redis://app:{Secret}@127.0.0.1:6379/not-a-number",
        $"rediss://:{Secret}@/0",
        $"redis://{Secret}@127.0.0.1:6379/x",
        $"redis://app:{Secret}@127.0.0.1:6379/-1",
    };

    public static TheoryData<string> Unreachable()
    {
        string endpoint = RedisCluster.UnreachableEndpoint();
        return new TheoryData<string>
        {
            $"{endpoint},password={Secret}",
            $"{endpoint},user=app,password={Secret}",
            $"{endpoint},password={Secret},ssl=true",
            $"redis://app:{Secret}@{endpoint}/0",
            $"redis://{Secret}@{endpoint}",
            $"rediss://app:{Secret}@{endpoint}/0",
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void UseRedis_MalformedStringWithPassword_ErrorNeverShowsThePassword(string connectionString)
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UseRedis(connectionString).AddTestJobs());

        ArgumentException error = act.Should().Throw<ArgumentException>().Which;
        SecretScan.Find(Secret, error).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Unreachable))]
    public async Task EnqueueAsync_ServerUnreachable_ErrorNeverShowsThePassword(string connectionString)
    {
        await using TestHost host = await TestHost.StartAsync(q => q.UseRedis(connectionString).AddTestJobs(), start: false);

        Func<Task> act = () => Deadline.Within(host.Client.EnqueueAsync(new RecordArgs("x")).AsTask(), "the failed enqueue");

        Exception error = (await act.Should().ThrowAsync<Exception>()).Which;
        error.Should().NotBeOfType<TimeoutException>("StackExchange.Redis gives up on its own");
        SecretScan.Find(Secret, error, host.Logs.Entries).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Unreachable))]
    public async Task WorkerHost_ServerUnreachable_LogsNeverShowThePassword(string connectionString)
    {
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(connectionString).AddTestJobs().Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(50)));

        await host.Logs.WaitForAsync(e => e.EventId.Id == 1101, "a logged fetch failure");
        await host.Logs.WaitForAsync(e => e.EventId.Id == 3003, "a logged maintenance failure");
        await host.StopAsync();

        SecretScan.Find(Secret, logs: host.Logs.Entries).Should().BeEmpty();
    }
}
