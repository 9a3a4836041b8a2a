using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Redis.Tests.Storage;

[Collection(RedisTlsCollection.Name)]
public sealed class RedisStorageOptionsTests
{
    private readonly RedisTlsFixture _fixture;

    public RedisStorageOptionsTests(RedisTlsFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task TrustedCertificateAuthority_ServerCertificateFromThatCa_WorkerHostRunsJobOverTls()
    {
        var probe = new Probe();
        X509Certificate2 authority = X509CertificateLoader.LoadCertificateFromFile(_fixture.Certificates.AuthorityFile);
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis($"rediss://127.0.0.1:{_fixture.Server.Port}", o =>
            {
                o.KeyPrefix = "tls-" + Guid.NewGuid().ToString("N");
                o.TrustedCertificateAuthority = authority;
            }).AddTestJobs(),
            s => s.AddSingleton(probe),
            start: false);

        // UseRedis keeps its own copy, so the application may dispose the certificate it loaded.
        authority.Dispose();
        await host.StartAsync();
        JobId id = await host.Client.EnqueueAsync(new RecordArgs("over-tls"));
        JobInfo finished = await host.WaitAsync(id);

        finished.State.Should().Be(JobState.Succeeded);
        probe.Count("over-tls").Should().Be(1);
    }

    [Fact]
    public async Task CertificateValidation_PinsServerCertificate_CallbackDecidesAndJobRuns()
    {
        var probe = new Probe();
        string pinned = _fixture.Certificates.Server.Thumbprint;
        var seenErrors = new List<SslPolicyErrors>();
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(_fixture.Server.ConnectionString, o =>
            {
                o.KeyPrefix = "tls-" + Guid.NewGuid().ToString("N");
                o.CertificateValidation = (_, certificate, _, errors) =>
                {
                    lock (seenErrors)
                    {
                        seenErrors.Add(errors);
                    }

                    return certificate is X509Certificate2 server && server.Thumbprint == pinned;
                };
            }).AddTestJobs(),
            s => s.AddSingleton(probe));

        JobId id = await host.Client.EnqueueAsync(new RecordArgs("pinned"));
        JobInfo finished = await host.WaitAsync(id);

        finished.State.Should().Be(JobState.Succeeded);
        lock (seenErrors)
        {
            seenErrors.Should().NotBeEmpty().And.OnlyContain(e => e.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors),
                "the throwaway CA is not in the system store, so only the callback lets the connection through");
        }
    }

    [Fact]
    public async Task UseRedis_ServerCertificateNotTrusted_EnqueueFailsNamingHostAndProblem()
    {
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis($"rediss://127.0.0.1:{_fixture.Server.Port}", o => o.KeyPrefix = "tls-" + Guid.NewGuid().ToString("N")).AddTestJobs(),
            start: false);

        Func<Task> act = () => Deadline.Within(host.Client.EnqueueAsync(new RecordArgs("never")).AsTask(), "the refused enqueue");

        (await act.Should().ThrowAsync<StackExchange.Redis.RedisConnectionException>())
            .WithMessage($"TLS with Redis at 127.0.0.1:{_fixture.Server.Port} failed: the server's certificate is not trusted by the system (*UntrustedRoot*)*TrustedCertificateAuthority*");
    }

    [Theory]
    [InlineData("127.0.0.1:6379")]
    [InlineData("redis://127.0.0.1:6379")]
    public void UseRedis_TrustedCertificateAuthorityWithoutTls_ThrowsNamingTheFix(string connectionString)
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UseRedis(connectionString, o => o.TrustedCertificateAuthority = _fixture.Certificates.Authority));

        act.Should().Throw<ArgumentException>()
            .WithMessage("*TrustedCertificateAuthority*does not use TLS*ssl=true*rediss://*");
    }

    [Fact]
    public void UseRedis_CertificateValidationWithoutTls_ThrowsNamingTheSetting()
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UseRedis("127.0.0.1:6379", o => o.CertificateValidation = (_, _, _, _) => true));

        act.Should().Throw<ArgumentException>().WithMessage("*CertificateValidation*does not use TLS*");
    }
}
