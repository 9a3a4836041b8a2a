using JobQueue.Redis.Resp;
using JobQueue.Testing;

namespace JobQueue.Redis.Tests.Resp;

/// <summary>What a client sees when it rejects the TLS server's certificate: a prompt, specific connection error.</summary>
[Collection(RedisTlsCollection.Name)]
public sealed class ServerCertificateCheckTests
{
    private readonly RedisTlsFixture _fixture;

    public ServerCertificateCheckTests(RedisTlsFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task ExecuteAsync_TrustedCertificateAuthority_ConnectsOverTls()
    {
        await using RedisClient client = new(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString) with
        {
            TrustedCertificateAuthority = _fixture.Certificates.Authority,
        });

        RespValue reply = await client.ExecuteAsync(new RespCommand("PING"), Deadline.Token());

        reply.AsString().Should().Be("PONG");
    }

    [Fact]
    public async Task ExecuteAsync_CaNotTrusted_FailsWithTlsErrorNamingTrustedCertificateAuthority()
    {
        await using RedisClient client = new(RedisConnectionOptions.Parse($"rediss://127.0.0.1:{_fixture.Server.Port}"));

        Func<Task> act = () => Deadline.Within(client.ExecuteAsync(new RespCommand("PING"), Deadline.Token()), "the rejected TLS connect");

        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage($"TLS with Redis at 127.0.0.1:{_fixture.Server.Port} failed: the server's certificate is not trusted*UntrustedRoot*set RedisStorageOptions.TrustedCertificateAuthority*");
    }

    [Fact]
    public async Task ExecuteAsync_OtherCaTrusted_FailsNamingTheTrustedCa()
    {
        string folder = Path.Combine(Path.GetTempPath(), "jobqueue-ca-" + Guid.NewGuid().ToString("N"));
        try
        {
            using TestCertificates other = TestCertificates.Create(folder);
            await using RedisClient client = new(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString) with
            {
                TrustedCertificateAuthority = other.Authority,
            });

            Func<Task> act = () => Deadline.Within(client.ExecuteAsync(new RespCommand("PING"), Deadline.Token()), "the rejected TLS connect");

            (await act.Should().ThrowAsync<RedisConnectionException>())
                .WithMessage($"TLS with Redis at *does not chain to RedisStorageOptions.TrustedCertificateAuthority '{other.Authority.Subject}'*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ExecuteAsync_HostNameNotInCertificate_FailsNamingSslHost()
    {
        await using RedisClient client = new(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString + ",sslHost=redis.example") with
        {
            TrustedCertificateAuthority = _fixture.Certificates.Authority,
        });

        Func<Task> act = () => Deadline.Within(client.ExecuteAsync(new RespCommand("PING"), Deadline.Token()), "the rejected TLS connect");

        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage("TLS with Redis at *: the server's certificate does not name 'redis.example'*sslHost=*");
    }

    [Fact]
    public async Task ExecuteAsync_CertificateValidationRejects_FailsNamingTheCallback()
    {
        await using RedisClient client = new(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString) with
        {
            TrustedCertificateAuthority = _fixture.Certificates.Authority,
            CertificateValidation = (_, _, _, _) => false,
        });

        Func<Task> act = () => Deadline.Within(client.ExecuteAsync(new RespCommand("PING"), Deadline.Token()), "the rejected TLS connect");

        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage("TLS with Redis at *: RedisStorageOptions.CertificateValidation rejected the server's certificate (standard validation: None).");
    }

    [Fact]
    public async Task ExecuteAsync_CertificateValidationThrows_RejectsNamingTheCallbackAndItsError()
    {
        await using RedisClient client = new(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString) with
        {
            CertificateValidation = (_, _, _, _) => throw new InvalidOperationException("pin store unavailable"),
        });

        Func<Task> act = () => Deadline.Within(client.ExecuteAsync(new RespCommand("PING"), Deadline.Token()), "the rejected TLS connect");

        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage("TLS with Redis at *: RedisStorageOptions.CertificateValidation threw InvalidOperationException, so the server's certificate was rejected: pin store unavailable");
    }

    [Fact]
    public async Task ExecuteAsync_TlsToPlainTextPort_FailsNamingTlsPort()
    {
        await using RedisServer plain = await RedisServer.StartAsync();

        RedisConnectionOptions options = RedisConnectionOptions.Parse(plain.ConnectionString);

        // Shorter than the default 5 s only to keep the test quick: the usual ending is the connect timeout.
        await using RedisClient client = new(options with { Ssl = true, ConnectTimeout = TimeSpan.FromSeconds(2) });

        Func<Task> act = () => Deadline.Within(client.ExecuteAsync(new RespCommand("PING"), Deadline.Token()), "the failed TLS connect");

        // Which way the handshake ends depends on the random bytes of the TLS hello: redis-server reads it as an
        // inline command, and answers (an error the client cannot parse as TLS) only if the hello happens to hold
        // a newline, else it waits and the handshake runs into connectTimeout. Every way names the likely fix.
        (await act.Should().ThrowAsync<RedisConnectionException>())
            .WithMessage($"TLS with Redis at {options.Host}:{options.Port} failed*Check that {options.Host}:{options.Port} is the server's tls-port*");
    }
}
