using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using static JobQueue.Redis.Tests.StoreRequests;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>
/// The store's StackExchange.Redis connection: the application's shared multiplexer, options built in code, the
/// database, ACL users, an absent server, lost scripts and a restarted server.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisConnectionTests
{
    // A connection that cannot be made leaves commands in StackExchange.Redis's backlog until asyncTimeout; short
    // timeouts keep each refusal to a second or two instead of the default five per command.
    private const string FailFast = ",asyncTimeout=1000,syncTimeout=1000,connectTimeout=1000";

    private readonly RedisFixture _fixture;

    public RedisConnectionTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task UseRedis_SharedMultiplexer_RunsJobsAndLeavesMultiplexerAndAppSubscriptionWorkingAfterHostDisposed()
    {
        await using ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(_fixture.Server.ConnectionString);
        ISubscriber subscriber = multiplexer.GetSubscriber();
        var appChannel = RedisChannel.Literal("app-" + Guid.NewGuid().ToString("N"));
        Channel<string> appMessages = Channel.CreateUnbounded<string>();
        await subscriber.SubscribeAsync(appChannel, (_, message) => appMessages.Writer.TryWrite((string)message!));
        string prefix = "shared-" + Guid.NewGuid().ToString("N");
        var workChannel = RedisChannel.Literal("{" + prefix + "}:work");
        var probe = new Probe();
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(_ => multiplexer, o => o.KeyPrefix = prefix).AddTestJobs(),
            s => s.AddSingleton(probe));

        JobInfo finished = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("over-shared")));
        // Subscribes if the host has not yet (it returns at once for a finished job), so the count below is known.
        await host.Storage.WaitForFinishAsync(finished.Id, Deadline.Token());
        long storeSubscribersWhileRunning = await subscriber.PublishAsync(workChannel, "no-such-queue");
        await host.DisposeAsync();
        bool connected = multiplexer.IsConnected;
        string key = "app-" + Guid.NewGuid().ToString("N");
        await multiplexer.GetDatabase().StringSetAsync(key, "still usable", TimeSpan.FromMinutes(1));
        RedisValue read = await multiplexer.GetDatabase().StringGetAsync(key);
        long appSubscribers = await subscriber.PublishAsync(appChannel, "after the host");
        string received = await Deadline.Within(appMessages.Reader.ReadAsync().AsTask(), "the app's own message");
        long storeSubscribersAfterwards = await subscriber.PublishAsync(workChannel, "no-such-queue");

        finished.State.Should().Be(JobState.Succeeded);
        probe.Count("over-shared").Should().Be(1);
        storeSubscribersWhileRunning.Should().Be(1, "the store subscribed to its work channel on the shared multiplexer");
        connected.Should().BeTrue("the store never closes a multiplexer it was given");
        ((string?)read).Should().Be("still usable");
        appSubscribers.Should().Be(1);
        received.Should().Be("after the host");
        storeSubscribersAfterwards.Should().Be(0, "the store removed its own handlers, so the multiplexer left the channel");
    }

    [Fact]
    public async Task Share_MultiplexerWithChannelPrefix_ThrowsNamingChannelPrefix()
    {
        await using ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(_fixture.Server.ConnectionString + ",channelPrefix=app:");

        Action act = () => RedisConnection.Share(multiplexer, NullLogger.Instance);

        act.Should().Throw<ArgumentException>().WithMessage("*channelPrefix=app:*publishes wake-ups from its Lua scripts*")
            .Which.ParamName.Should().Be("multiplexer");
    }

    [Fact]
    public void UseRedis_ConnectionStringWithChannelPrefix_ThrowsNamingChannelPrefix()
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UseRedis("127.0.0.1:6379,channelPrefix=app:"));

        act.Should().Throw<ArgumentException>().WithMessage("*channelPrefix=app:*");
    }

    [Theory]
    [InlineData(nameof(RedisStorageOptions.TrustedCertificateAuthority))]
    [InlineData(nameof(RedisStorageOptions.CertificateValidation))]
    public void UseRedis_SharedMultiplexerWithTlsSetting_ThrowsSayingTlsBelongsToTheConnection(string setting)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 authority = new CertificateRequest("CN=unused", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        var services = new ServiceCollection();

        // Refused while configuring, before the multiplexer is ever asked for.
        Action act = () => services.AddJobQueue(q => q.UseRedis(
            _ => throw new InvalidOperationException("The multiplexer is not needed to refuse the options."),
            o =>
            {
                if (setting == nameof(RedisStorageOptions.TrustedCertificateAuthority))
                {
                    o.TrustedCertificateAuthority = authority;
                }
                else
                {
                    o.CertificateValidation = (_, _, _, _) => true;
                }
            }));

        act.Should().Throw<ArgumentException>().WithMessage("*TrustedCertificateAuthority and CertificateValidation apply to a connection the store makes*TrustIssuer*");
    }

    [Fact]
    public async Task UseRedis_ConfigurationOptions_RunsJobsFromItsOwnCopyAndLeavesCallersOptionsAsTheyWere()
    {
        var probe = new Probe();
        ConfigurationOptions configuration = ConfigurationOptions.Parse(_fixture.Server.ConnectionString);
        configuration.AbortOnConnectFail = true;
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(configuration, o => o.KeyPrefix = "options-" + Guid.NewGuid().ToString("N")).AddTestJobs(),
            s => s.AddSingleton(probe),
            start: false);

        // Documented: the store copies the options; an application that reuses its instance cannot redirect it.
        configuration.EndPoints.Clear();
        configuration.EndPoints.Add(RedisCluster.UnreachableEndpoint());
        await host.StartAsync();
        JobInfo finished = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("from-options")));

        finished.State.Should().Be(JobState.Succeeded);
        probe.Count("from-options").Should().Be(1);
        configuration.AbortOnConnectFail.Should().BeTrue("the store sets it to false on its own copy only");
    }

    [Fact]
    public void UseRedis_ConfigurationOptionsWithoutEndpoint_ThrowsNamingTheFix()
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UseRedis(new ConfigurationOptions { Password = "hunter2" }));

        act.Should().Throw<ArgumentException>().WithMessage("*name no endpoint*EndPoints.Add*").Which.ParamName.Should().Be("configuration");
    }

    [Fact]
    public async Task EnqueueAsync_DefaultDatabase_KeysLandInThatDatabaseOnly()
    {
        RedisJobStorage storage = RedisStores.Create(_fixture.Server.ConnectionString + ",defaultDatabase=5");
        await using ConnectionMultiplexer raw = await ConnectionMultiplexer.ConnectAsync(_fixture.Server.ConnectionString);
        try
        {
            NewJob job = Job();

            await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = T0 }, Deadline.Token());
            bool inFive = await raw.GetDatabase(5).KeyExistsAsync(storage.Prefix + "job:" + job.Id);
            bool inZero = await raw.GetDatabase(0).KeyExistsAsync(storage.Prefix + "job:" + job.Id);

            inFive.Should().BeTrue();
            inZero.Should().BeFalse();
        }
        finally
        {
            await RedisStores.DisposeAsync(storage);
        }
    }

    [Fact]
    public async Task Storage_AclUserAndPassword_AuthenticatesAsThatUserAndRunsJob()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);
        string prefix = "acl-" + Guid.NewGuid().ToString("N");
        await CreateUserAsync(server, "jobs", "s3cret", prefix);
        await using RedisJobStorage storage = RedisStores.Create(server.ConnectionString + ",user=jobs,password=s3cret", prefix);
        NewJob job = Job();

        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = T0 }, Deadline.Token());
        FetchRequest fetch = Fetch();
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(fetch, Deadline.Token());
        IReadOnlyList<bool> completed = await storage.CompleteAsync([new JobCompletion { Id = job.Id, LeaseToken = fetch.LeaseToken, Now = T0 }], Deadline.Token());
        RedisResult user = await (await RedisStores.DatabaseAsync(storage)).ExecuteAsync("ACL", "WHOAMI");

        ((string?)user).Should().Be("jobs");
        leased.Should().ContainSingle().Which.Id.Should().Be(job.Id);
        completed.Should().Equal(true);
    }

    [Fact]
    public async Task EnqueueAsync_WrongPassword_FailsWithConnectionExceptionWithinTheTimeout()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);
        string prefix = "acl-" + Guid.NewGuid().ToString("N");
        await CreateUserAsync(server, "jobs", "s3cret", prefix);
        await using RedisJobStorage storage = RedisStores.Create(server.ConnectionString + ",user=jobs,password=wrong" + FailFast, prefix);

        // Bounded well below the test deadline: a refused login must end in the timeouts above, not hang.
        Func<Task> act = () => Deadline.Within(
            storage.EnqueueAsync(new EnqueueRequest { Jobs = [Job()], Now = T0 }, Deadline.Token()).AsTask(), "the refused enqueue", TimeSpan.FromSeconds(15));

        (await act.Should().ThrowAsync<RedisConnectionException>()).WithMessage("*AuthenticationFailure*");
    }

    [Fact]
    public async Task EnqueueAsync_NoServerListening_FailsNamingEndpointAndSayingCommandWasNotSent()
    {
        string endpoint = RedisCluster.UnreachableEndpoint();
        await using RedisJobStorage storage = RedisStores.Create(endpoint + FailFast);

        Func<Task> act = () => Deadline.Within(
            storage.EnqueueAsync(new EnqueueRequest { Jobs = [Job()], Now = T0 }, Deadline.Token()).AsTask(), "the unsendable enqueue", TimeSpan.FromSeconds(15));

        // Not sent means not run: the caller may enqueue again without risking a duplicate.
        RedisConnectionException exception = (await act.Should().ThrowAsync<RedisConnectionException>()).Which;
        exception.Message.Should().Contain(endpoint);
        exception.CommandStatus.Should().BeOneOf(CommandStatus.WaitingToBeSent, CommandStatus.WaitingInBacklog);
    }

    [Fact]
    public async Task EnqueueAsync_ScriptsFlushedBetweenCalls_LoadsScriptAgainAndLogsIt()
    {
        var logs = new CapturingLoggerProvider();
        RedisJobStorage storage = RedisStores.Create(
            RedisConnectionString.Parse(_fixture.Server.ConnectionString),
            new RedisStorageOptions { KeyPrefix = "flush-" + Guid.NewGuid().ToString("N") },
            logs.CreateLogger("JobQueue.Redis"));
        await using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync(_fixture.Server.ConnectionString + ",allowAdmin=true");
        try
        {
            NewJob first = Job();
            NewJob second = Job();
            await storage.EnqueueAsync(new EnqueueRequest { Jobs = [first], Now = T0 }, Deadline.Token());
            await admin.GetServers()[0].ScriptFlushAsync();
            int logged = logs.Entries.Count;

            await storage.EnqueueAsync(new EnqueueRequest { Jobs = [second], Now = T0 }, Deadline.Token());
            IReadOnlyList<StoredJob?> stored = await storage.GetJobsAsync([first.Id, second.Id], Deadline.Token());

            stored.Should().OnlyContain(j => j != null && j.State == JobState.Enqueued).And.HaveCount(2);
            logs.Entries.Skip(logged).Should().Contain(e => e.EventId.Id == 5303 && e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Message.Contains("enqueue-plain", StringComparison.Ordinal));
        }
        finally
        {
            await RedisStores.DisposeAsync(storage);
        }
    }

    [Fact]
    public async Task StoreCalls_ServerRestarted_WorkWithoutAnyReconnectByTheCaller()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);
        // StackExchange.Redis backs off between reconnect attempts (over 2 s after the one the outage refused), and
        // a call waits in its backlog meanwhile, up to asyncTimeout: longer than the default 5 s, so a slow machine
        // never fails the call.
        await using RedisJobStorage storage = RedisStores.Create(server.ConnectionString + ",asyncTimeout=30000");
        NewJob before = Job();
        NewJob after = Job();
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [before], Now = T0 }, Deadline.Token());

        await server.StopAsync();
        await server.RestartAsync();
        // No retry loop and no reconnect: the first call after the restart must simply work.
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [after], Now = T0 }, Deadline.Token());
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(Fetch(), Deadline.Token());

        leased.Select(j => j.Id).Should().Equal(before.Id, after.Id);
    }

    [Fact]
    public async Task StoreCalls_ServerRestarted_LogConnectionLostAndRestoredAndTheScriptsLoadedAgain()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);
        var logs = new CapturingLoggerProvider();
        ConfigurationOptions configuration = RedisConnectionString.Parse(server.ConnectionString + ",asyncTimeout=30000");
        await using RedisJobStorage storage = RedisStores.Create(
            configuration, new RedisStorageOptions { KeyPrefix = "restart-" + Guid.NewGuid().ToString("N") }, logs.CreateLogger("JobQueue.Redis"));
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [Job()], Now = T0 }, Deadline.Token());

        await server.StopAsync();
        LogEntry lost = await logs.WaitForAsync(e => e.EventId.Id == 5301, "the lost connection (5301)");
        int beforeRestart = logs.Entries.Count;
        await server.RestartAsync();
        // The restarted server has no scripts: the store's first call after it finds NOSCRIPT and loads its script again.
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [Job()], Now = T0 }, Deadline.Token());
        LogEntry restored = await logs.WaitForAsync(e => e.EventId.Id == 5302, "the restored connection (5302)");

        lost.Level.Should().Be(Microsoft.Extensions.Logging.LogLevel.Warning);
        lost.Message.Should().Contain(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        restored.Level.Should().Be(Microsoft.Extensions.Logging.LogLevel.Information);
        logs.Entries.Skip(beforeRestart).Should().Contain(e =>
            e.EventId.Id == 5303 && e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Message.Contains("enqueue-plain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitForWorkAsync_WorkEnqueuedWhileWaitersConnectionWasDown_WakesWaiterOnceReconnected()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);
        string prefix = "w" + Guid.NewGuid().ToString("N");
        var reconnect = new ReconnectGate();
        ConfigurationOptions configuration = RedisConnectionString.Parse(server.ConnectionString);
        configuration.ReconnectRetryPolicy = reconnect;
        await using RedisJobStorage worker = RedisStores.Create(configuration, new RedisStorageOptions { KeyPrefix = prefix });
        await using RedisJobStorage producer = RedisStores.Create(server.ConnectionString, prefix); // connects on first use, after the restart
        // The first wait of a new subscription returns at once (anything may have been published before it); the
        // second can only end by a message or by a renewed subscription. It has no token of its own: Deadline.Within
        // bounds it below and, unlike a cancelled token, says what did not happen.
        await Deadline.Within(worker.WaitForWorkAsync("default", Deadline.Token()).AsTask(), "the wake-up of the first subscription");
        Task wait = worker.WaitForWorkAsync("default", CancellationToken.None).AsTask();
        NewJob job = Job();

        // The worker stays cut off after the restart until the gate opens, so the enqueue's message reaches no one
        // and only the store's re-check after its reconnect can wake the waiter.
        reconnect.Close();
        await server.StopAsync();
        await server.RestartAsync();
        await producer.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = T0 }, Deadline.Token());
        bool wokenWhileCutOff = wait.IsCompleted;
        reconnect.Open();
        await Deadline.Within(wait, "the waiter, after its connection came back");
        IReadOnlyList<StoredJob> leased = await worker.FetchAsync(Fetch(), Deadline.Token());

        wokenWhileCutOff.Should().BeFalse("nothing can reach a waiter whose connection is down");
        leased.Should().ContainSingle().Which.Id.Should().Be(job.Id);
    }

    /// <summary>
    /// Makes <paramref name="user"/> on <paramref name="server"/>, allowed only the keys under <paramref name="prefix"/>,
    /// and gives the default user a password.
    /// </summary>
    /// <remarks>
    /// With a default user that needs no password, Redis leaves a connection whose AUTH failed logged in as
    /// "default", so a wrong password would not fail at all; servers that have ACL users protect the default one.
    /// </remarks>
    private static async Task CreateUserAsync(RedisServer server, string user, string password, string prefix)
    {
        await using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        IDatabase database = admin.GetDatabase();
        await database.ExecuteAsync("ACL", "SETUSER", user, "on", ">" + password, "~{" + prefix + "}:*", "&*", "+@all");
        await database.ExecuteAsync("ACL", "SETUSER", "default", "resetpass", ">admin-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>A reconnect policy the test opens and closes: StackExchange.Redis asks it before every reconnect attempt.</summary>
    private sealed class ReconnectGate : IReconnectRetryPolicy
    {
        private volatile bool _open = true;

        public void Close() => _open = false;

        public void Open() => _open = true;

        public bool ShouldRetry(long currentRetryCount, int timeElapsedMillisecondsSinceLastRetry) => _open;
    }
}
