using JobQueue.Redis.Storage;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using static JobQueue.Redis.Tests.StoreRequests;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>
/// The store over TLS: a server whose certificate the settings trust works end to end, and every way a handshake is
/// refused reaches the caller as a RedisConnectionException that names the setting to fix.
/// </summary>
[Collection(RedisTlsCollection.Name)]
public sealed class RedisTlsTests
{
    // A refused handshake leaves commands in StackExchange.Redis's backlog until asyncTimeout; short timeouts keep
    // each refusal to a second or two instead of the default five per command.
    private const string FailFast = ",asyncTimeout=1000,syncTimeout=1000,connectTimeout=1000";

    private readonly RedisTlsFixture _fixture;

    public RedisTlsTests(RedisTlsFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Storage_TrustedCertificateAuthority_WakesWaiterAndLeasesAndCompletesJobOverTls()
    {
        string prefix = "tls-" + Guid.NewGuid().ToString("N");
        RedisJobStorage worker = Store(_fixture.Server.ConnectionString, prefix, o => o.TrustedCertificateAuthority = _fixture.Certificates.Authority);
        RedisJobStorage producer = Store(_fixture.Server.ConnectionString, prefix, o => o.TrustedCertificateAuthority = _fixture.Certificates.Authority);
        try
        {
            // The first wait of a new subscription returns at once; the second ends only by the enqueue's message,
            // which travels over the subscription's own TLS connection.
            await Deadline.Within(worker.WaitForWorkAsync("default", Deadline.Token()).AsTask(), "the wake-up of a new subscription");
            Task wait = worker.WaitForWorkAsync("default", Deadline.Token()).AsTask();
            NewJob job = Job();

            await producer.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = T0 }, Deadline.Token());
            await Deadline.Within(wait, "the wake-up over TLS");
            FetchRequest fetch = Fetch();
            IReadOnlyList<StoredJob> leased = await worker.FetchAsync(fetch, Deadline.Token());
            IReadOnlyList<bool> completed = await worker.CompleteAsync([new JobCompletion { Id = job.Id, LeaseToken = fetch.LeaseToken, Now = T0 }], Deadline.Token());
            IReadOnlyList<StoredJob?> stored = await producer.GetJobsAsync([job.Id], Deadline.Token());

            leased.Should().ContainSingle().Which.Id.Should().Be(job.Id);
            completed.Should().Equal(true);
            stored.Should().ContainSingle().Which!.State.Should().Be(JobState.Succeeded);
        }
        finally
        {
            await producer.DisposeAsync();
            await RedisStores.DisposeAsync(worker);
        }
    }

    [Theory]
    [InlineData("enqueue")]
    [InlineData("get-batch")]
    [InlineData("wait-for-work")]
    [InlineData("wait-for-finish")]
    public async Task StoreCall_CertificateAuthorityNotTrusted_FailsNamingTrustedCertificateAuthority(string call)
    {
        await using RedisJobStorage storage = Store(_fixture.Server.ConnectionString + FailFast);

        // Scripts, plain commands and the subscription all go out over a connection whose handshake failed; each
        // must carry the reason, since whichever the engine calls first is the one the application sees or logs.
        Func<Task> act = () => Deadline.Within(Call(storage, call), "the refused " + call);

        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage($"TLS with Redis at 127.0.0.1:{_fixture.Server.Port} failed: the server's certificate is not trusted by the system (*UntrustedRoot*); if it comes from a private CA, set RedisStorageOptions.TrustedCertificateAuthority to that CA's certificate*");
    }

    [Fact]
    public async Task EnqueueAsync_AnotherCertificateAuthorityTrusted_FailsNamingThatAuthority()
    {
        string folder = Path.Combine(Path.GetTempPath(), "jobqueue-ca-" + Guid.NewGuid().ToString("N"));
        using TestCertificates other = TestCertificates.Create(folder);
        try
        {
            await using RedisJobStorage storage = Store(_fixture.Server.ConnectionString + FailFast, configure: o => o.TrustedCertificateAuthority = other.Authority);

            Func<Task> act = () => Deadline.Within(Enqueue(storage), "the refused enqueue");

            (await act.Should().ThrowAsync<RedisConnectionException>())
                .WithMessage($"TLS with Redis at 127.0.0.1:{_fixture.Server.Port} failed: the server's certificate does not chain to RedisStorageOptions.TrustedCertificateAuthority '{other.Authority.Subject}' (*); set it to the CA that issued the server's certificate*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task EnqueueAsync_HostNameNotInCertificate_FailsNamingSslHost()
    {
        // The certificate names 127.0.0.1 and localhost; sslHost makes the client expect another name.
        await using RedisJobStorage storage = Store(
            _fixture.Server.ConnectionString + ",sslHost=wrong.example" + FailFast,
            configure: o => o.TrustedCertificateAuthority = _fixture.Certificates.Authority);

        Func<Task> act = () => Deadline.Within(Enqueue(storage), "the refused enqueue");

        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage("TLS with Redis at *: the server's certificate does not name 'wrong.example'; connect by a name or address it carries, or set sslHost= to one*");
    }

    [Fact]
    public async Task EnqueueAsync_CertificateValidationReturnsFalse_FailsNamingTheCallback()
    {
        await using RedisJobStorage storage = Store(_fixture.Server.ConnectionString + FailFast, configure: o =>
        {
            o.TrustedCertificateAuthority = _fixture.Certificates.Authority;
            o.CertificateValidation = (_, _, _, _) => false;
        });

        Func<Task> act = () => Deadline.Within(Enqueue(storage), "the refused enqueue");

        // "None": the trusted CA passed the certificate, so the callback alone refused it.
        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage("TLS with Redis at *: RedisStorageOptions.CertificateValidation rejected the server's certificate (standard validation: None).*");
    }

    [Fact]
    public async Task EnqueueAsync_CertificateValidationThrows_FailsNamingTheCallbackAndItsError()
    {
        await using RedisJobStorage storage = Store(_fixture.Server.ConnectionString + FailFast, configure: o =>
            o.CertificateValidation = (_, _, _, _) => throw new InvalidOperationException("pin store unavailable"));

        Func<Task> act = () => Deadline.Within(Enqueue(storage), "the refused enqueue");

        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage("TLS with Redis at *: RedisStorageOptions.CertificateValidation threw InvalidOperationException, so the server's certificate was rejected: pin store unavailable*");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EnqueueAsync_TlsToPlainTextPort_FailsNamingTlsPort(bool trustedAuthority)
    {
        // A throwaway server of its own, even when JOBQUEUE_TEST_REDIS is set, so its address is known.
        await using RedisServer plain = await RedisServer.StartAsync(restartable: true);
        await using RedisJobStorage storage = Store(plain.ConnectionString + ",ssl=true" + FailFast, configure: o =>
        {
            // Both ways of describing a failure: the store's own certificate check, and the client's default one.
            if (trustedAuthority)
            {
                o.TrustedCertificateAuthority = _fixture.Certificates.Authority;
            }
        });

        Func<Task> act = () => Deadline.Within(Enqueue(storage), "the failed TLS enqueue");

        // redis-server reads the TLS hello as an inline command: it answers with an error only if the hello's
        // random bytes hold a newline, else the handshake runs into connectTimeout. Either way no certificate was
        // seen, and the message names the likely mistake.
        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage($"TLS with Redis at 127.0.0.1:{plain.Port} failed before the server's certificate was checked (*). Check that 127.0.0.1:{plain.Port} is the server's tls-port, not its plain-text port.*");
    }

    [Fact]
    public async Task UseRedis_ConfigurationOptionsWithTrustedAuthority_RunsJobAndLeavesCallersOptionsAsTheyWere()
    {
        var probe = new Probe();
        var configuration = new ConfigurationOptions { EndPoints = { { "127.0.0.1", _fixture.Server.Port } }, Ssl = true, AbortOnConnectFail = true };
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(configuration, o =>
            {
                o.KeyPrefix = "tls-" + Guid.NewGuid().ToString("N");
                o.TrustedCertificateAuthority = _fixture.Certificates.Authority;
            }).AddTestJobs(),
            s => s.AddSingleton(probe));

        JobInfo finished = await host.WaitAsync(await host.Client.EnqueueAsync(new RecordArgs("configured-in-code")));

        finished.State.Should().Be(JobState.Succeeded);
        probe.Count("configured-in-code").Should().Be(1);

        // The store set both on its own copy: the application may use these options for a connection of its own.
        configuration.SslClientAuthenticationOptions.Should().BeNull();
        configuration.AbortOnConnectFail.Should().BeTrue();
    }

    /// <summary>A store under a fresh prefix (or <paramref name="prefix"/>) whose connection is made from <paramref name="connectionString"/>.</summary>
    private static RedisJobStorage Store(string connectionString, string? prefix = null, Action<RedisStorageOptions>? configure = null)
    {
        var options = new RedisStorageOptions { KeyPrefix = prefix ?? "tls-" + Guid.NewGuid().ToString("N") };
        configure?.Invoke(options);
        return RedisStores.Create(RedisConnectionString.Parse(connectionString), options);
    }

    private static Task Call(RedisJobStorage storage, string call) => call switch
    {
        "enqueue" => Enqueue(storage),
        "get-batch" => storage.GetBatchAsync(BatchId.New(), Deadline.Token()).AsTask(),
        "wait-for-work" => storage.WaitForWorkAsync("default", Deadline.Token()).AsTask(),
        "wait-for-finish" => storage.WaitForFinishAsync(JobId.New(), Deadline.Token()).AsTask(),
        _ => throw new ArgumentOutOfRangeException(nameof(call), call, "Not a store call this test knows."),
    };

    private static Task Enqueue(RedisJobStorage storage) => storage.EnqueueAsync(new EnqueueRequest { Jobs = [Job()], Now = T0 }, Deadline.Token()).AsTask();
}
