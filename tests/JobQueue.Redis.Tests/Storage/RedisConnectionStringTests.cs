using System.Net;
using JobQueue.Redis.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>What <c>UseRedis(connectionString)</c> accepts, what it refuses, and that a refusal never shows a password.</summary>
public sealed class RedisConnectionStringTests
{
    [Fact]
    public void Parse_ListFormWithEveryCommonSetting_LandsOnConfigurationOptions()
    {
        ConfigurationOptions options = RedisConnectionString.Parse(
            "cache.local:6380,password=p=w,user=app,defaultDatabase=3,ssl=true,sslHost=redis.example,connectTimeout=1500,syncTimeout=700,asyncTimeout=900,name=jobs");

        options.EndPoints.Select(Text).Should().Equal("cache.local:6380");
        options.Password.Should().Be("p=w", "only the first '=' separates keyword and value");
        options.User.Should().Be("app");
        options.DefaultDatabase.Should().Be(3);
        options.Ssl.Should().BeTrue();
        options.SslHost.Should().Be("redis.example");
        options.ConnectTimeout.Should().Be(1500);
        options.SyncTimeout.Should().Be(700);
        options.AsyncTimeout.Should().Be(900);
        options.ClientName.Should().Be("jobs");
    }

    [Fact]
    public void Parse_SeveralEndpoints_KeepsThemInOrderOnceEach()
    {
        ConfigurationOptions options = RedisConnectionString.Parse("10.0.0.1:7000, 10.0.0.2:7001,password=x,[::1]:7002,cache:7003,10.0.0.1:7000");

        options.EndPoints.Select(Text).Should().Equal("10.0.0.1:7000", "10.0.0.2:7001", "[::1]:7002", "cache:7003");
        options.Password.Should().Be("x");
    }

    [Theory]
    [InlineData("redis://app:s%40cret@redis.example:6390/2", "redis.example:6390", "app", "s@cret", 2, false)]
    [InlineData("rediss://app:s%40cret@redis.example:6390/2", "redis.example:6390", "app", "s@cret", 2, true)]
    [InlineData("REDISS://redis.example", "redis.example:6379", null, null, null, true)]
    [InlineData("redis://secret@localhost", "localhost:6379", null, "secret", null, false)]
    [InlineData("redis://:secret@localhost/0", "localhost:6379", null, "secret", 0, false)]
    [InlineData("redis://cache", "cache:6379", null, null, null, false)]
    [InlineData("redis://[::1]:7000/3", "[::1]:7000", null, null, 3, false)]
    [InlineData("rediss://[::1]", "[::1]:6379", null, null, null, true)]
    public void Parse_Uri_ReadsEndpointCredentialsDatabaseAndTls(string uri, string endpoint, string? user, string? password, int? database, bool ssl)
    {
        ConfigurationOptions options = RedisConnectionString.Parse(uri);

        options.EndPoints.Select(Text).Should().Equal(endpoint);
        options.User.Should().Be(user);
        options.Password.Should().Be(password);
        options.DefaultDatabase.Should().Be(database);
        options.Ssl.Should().Be(ssl);
        options.SslHost.Should().BeNull("the certificate is checked against the host connected to");
    }

    [Theory]
    [InlineData("127.0.0.1:6379,commandTimeout=1500")]
    [InlineData("127.0.0.1:6379, CommandTimeout=1500 ,name=jobs")]
    public void Parse_LegacyCommandTimeout_BecomesSyncAndAsyncTimeout(string connectionString)
    {
        ConfigurationOptions options = RedisConnectionString.Parse(connectionString);

        options.SyncTimeout.Should().Be(1500);
        options.AsyncTimeout.Should().Be(1500);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("password=x", "names no endpoint")]
    [InlineData("ssl=true,name=jobs", "names no endpoint")]
    [InlineData("127.0.0.1:6379,colour=blue", "'colour' is not supported")]
    [InlineData("127.0.0.1:6379,ssl=maybe", "'ssl' requires a boolean value*'maybe'")]
    [InlineData("127.0.0.1:6379,connectTimeout=soon", "'connectTimeout' requires an integer value*'soon'")]
    [InlineData("127.0.0.1:6379,commandTimeout=soon", "'commandTimeout' requires an integer value*'soon'")]
    [InlineData("redis://cache/db", "the path '/db' is not a database number")]
    [InlineData("redis://cache/1/2", "the path '/1/2' is not a database number")]
    [InlineData("redis://cache:port/0", "not a valid URI*redis://[user:password@]host[:port][/database]")]
    [InlineData("127.0.0.1:6379,sslHost=redis.example", "sslHost=redis.example is set but TLS is off; add ssl=true")]
    [InlineData("127.0.0.1:6379,ssl=false,sslHost=redis.example", "sslHost=redis.example is set but TLS is off; add ssl=true")]
    [InlineData("redis.example:abc", "the endpoint 'redis.example:abc' has an invalid port 'abc' (1 to 65535)")]
    [InlineData("127.0.0.1:6379,redis.example:abc", "the endpoint 'redis.example:abc' has an invalid port 'abc'*")]
    [InlineData("redis.example:0", "the endpoint 'redis.example:0' has an invalid port '0'*")]
    [InlineData("[::1:6379", "the endpoint '[::1:6379' has no closing ']'")]
    [InlineData("127.0.0.1:6379,defaultDatabase=-1", "defaultDatabase=-1 is negative*")]
    public void Parse_BadInput_ThrowsNamingTheProblem(string connectionString, string problem)
    {
        Action parse = () => RedisConnectionString.Parse(connectionString);

        parse.Should().Throw<ArgumentException>().WithMessage($"*{problem}*").Which.ParamName.Should().Be("connectionString");
    }

    [Theory]
    [InlineData("password=hunter2")]
    [InlineData("127.0.0.1:6379,password=hunter2,colour=blue")]
    [InlineData("127.0.0.1:6379,user=app,Password=hunter2,ssl=maybe")]
    [InlineData("127.0.0.1:6379,password=hunter2,connectTimeout=soon")]
    [InlineData("127.0.0.1:6379,password=hunter2,commandTimeout=soon")]
    [InlineData("127.0.0.1:6379,password=hunter2,sslHost=redis.example")]
    [InlineData("127.0.0.1:6379,pasword=hunter2")]
    [InlineData("127.0.0.1:6379,sentinelPassword=hunter2,colour=blue")]
    [InlineData("redis://app:hunter2@cache/db")]
    [InlineData("redis://hunter2@cache/db")]
    [InlineData("redis://:hunter2@cache/db")]
    [InlineData("redis://app:hunter%402@cache/db")]

    // Not valid URIs at all (a bad port, no host, a raw space or '@' in the password): when the text cannot be
    // parsed as a URI is exactly when it lands in a message.
    [InlineData("redis://app:hunter2@cache:port/0")]
    [InlineData("rediss://app:hunter2@/0")]
    [InlineData("redis://app:hunter 2@cache/db")]
    [InlineData("redis://app:hunter@2@cache:port")]
    public void Parse_BadInputWithPassword_PasswordAppearsNowhereInTheException(string connectionString)
    {
        Action parse = () => RedisConnectionString.Parse(connectionString);

        // ToString: the message, the inner exceptions' messages, everything a log of the exception would show.
        parse.Should().Throw<ArgumentException>().Which.ToString().Should().NotContain("hunter").And.Contain("***");
    }

    private static string Text(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString()!,
    };
}
