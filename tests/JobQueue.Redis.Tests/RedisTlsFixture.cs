using JobQueue.TestSupport;

namespace JobQueue.Redis.Tests;

/// <summary>One throwaway TLS-only redis-server, with its throwaway CA, shared by the TLS tests.</summary>
public sealed class RedisTlsFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The CA that issued the server's certificate.</summary>
    public TestCertificates Certificates => Server.Certificates!;

    public async Task InitializeAsync() => _server = await RedisServer.StartTlsAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisTlsCollection : ICollectionFixture<RedisTlsFixture>
{
    public const string Name = "redis-tls";
}
