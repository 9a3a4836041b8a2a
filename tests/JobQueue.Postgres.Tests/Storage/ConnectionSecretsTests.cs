using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Postgres.Tests.Storage;

/// <summary>
/// A password given to UsePostgres never reaches an exception or a log line: not when the string is malformed, not
/// when the server cannot be reached, not while the host keeps failing against it.
/// </summary>
public sealed class ConnectionSecretsTests
{
    private const string Secret = "Xq7SecretPgPassword42";

    // Npgsql reads only key=value strings; postgresql:// and postgres:// URIs are refused as malformed (by Npgsql, and
    // so by UsePostgres), which is one of the error paths below.
    public static TheoryData<string> Malformed => new()
    {
        $"postgresql://app:{Secret}@127.0.0.1:5432/app",
        $"postgres://app:{Secret}@127.0.0.1/app",
        $"Host=127.0.0.1;Password={Secret};Bogus=1",
        $"Host=127.0.0.1;Password={Secret};Port={Secret}",
        $"Host=127.0.0.1;Port=not-a-port;Password={Secret}",
        $"Host=127.0.0.1;Password='{Secret}",
        $"Database=app;Password={Secret}",
        $"Host=127.0.0.1;Password={Secret};Timeout={Secret}",
    };

    public static TheoryData<string> Unreachable()
    {
        int port = LoopbackPorts.Refusing();
        return new TheoryData<string>
        {
            $"Host=127.0.0.1;Port={port};Username=app;Password={Secret}",
            $"Host=127.0.0.1;Port={port};Username=app;Password=\"{Secret}\"",
            $"Server=127.0.0.1;Port={port};User ID=app;PWD={Secret};Database=app",
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void UsePostgres_MalformedStringWithPassword_ErrorNeverShowsThePassword(string connectionString)
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UsePostgres(connectionString).AddTestJobs());

        ArgumentException error = act.Should().Throw<ArgumentException>().Which;
        SecretScan.Find(Secret, error).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Unreachable))]
    public async Task EnqueueAsync_ServerUnreachable_ErrorNeverShowsThePassword(string connectionString)
    {
        await using TestHost host = await TestHost.StartAsync(q => q.UsePostgres(connectionString).AddTestJobs(), start: false);

        Func<Task> act = async () => await host.Client.EnqueueAsync(new RecordArgs("x"));

        Exception error = (await act.Should().ThrowAsync<Exception>()).Which;
        SecretScan.Find(Secret, error, host.Logs.Entries).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Unreachable))]
    public async Task StartAsync_ServerUnreachable_StartupLogsNeverShowThePassword(string connectionString)
    {
        await using TestHost host = await TestHost.StartAsync(q => q.UsePostgres(connectionString).AddTestJobs());

        // The schema migration at startup fails without a server; the application starts anyway and logs the wait,
        // with the connection error attached.
        LogEntry waiting = await host.Logs.WaitForAsync(e => e.EventId.Id == 5104, "the logged wait for the server");
        await host.StopAsync();

        waiting.Exception.Should().NotBeNull();
        SecretScan.Find(Secret, waiting.Exception, host.Logs.Entries).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Unreachable))]
    public async Task WorkerHost_ServerUnreachable_LogsNeverShowThePassword(string connectionString)
    {
        await using TestHost host = await TestHost.StartAsync(
            q => q.UsePostgres(connectionString, o => o.ApplyMigrations = false).AddTestJobs().Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(50)));

        // A failed fetch, a failed maintenance step and the listener's lost connection: what an operator reads during an outage.
        await host.Logs.WaitForAsync(e => e.EventId.Id == 1101, "a logged fetch failure");
        await host.Logs.WaitForAsync(e => e.EventId.Id == 3003, "a logged maintenance failure");
        await host.StopAsync();

        SecretScan.Find(Secret, logs: host.Logs.Entries).Should().BeEmpty();
    }
}
