using JobQueue.Redis.Resp;

namespace JobQueue.Redis.Tests.Resp;

public sealed class RedisConnectionOptionsTests
{
    [Fact]
    public void Parse_ListForm_ReadsEverySetting()
    {
        RedisConnectionOptions options = RedisConnectionOptions.Parse("cache.local:6380,password=p=w,user=app,defaultDatabase=3,ssl=true,sslHost=redis.example,connectTimeout=1500,syncTimeout=700,name=jobs,abortConnect=false");

        options.Host.Should().Be("cache.local");
        options.Port.Should().Be(6380);
        options.Password.Should().Be("p=w");
        options.User.Should().Be("app");
        options.Database.Should().Be(3);
        options.Ssl.Should().BeTrue();
        options.SslHost.Should().Be("redis.example");
        options.ConnectTimeout.Should().Be(TimeSpan.FromMilliseconds(1500));
        options.CommandTimeout.Should().Be(TimeSpan.FromMilliseconds(700));
        options.ClientName.Should().Be("jobs");
    }

    [Theory]
    [InlineData("localhost", "localhost", 6379)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("::1", "::1", 6379)]
    public void Parse_Endpoint_ReadsHostAndPort(string text, string host, int port)
    {
        RedisConnectionOptions options = RedisConnectionOptions.Parse(text);

        options.Host.Should().Be(host);
        options.Port.Should().Be(port);
    }

    [Fact]
    public void Parse_SeveralEndpoints_KeepsThemInOrderAndConnectsToFirst()
    {
        RedisConnectionOptions options = RedisConnectionOptions.Parse("10.0.0.1:7000, 10.0.0.2:7001,password=x,[::1]:7002,10.0.0.1:7000");

        options.Endpoints.Should().Equal(new RedisEndpoint("10.0.0.1", 7000), new RedisEndpoint("10.0.0.2", 7001), new RedisEndpoint("::1", 7002));
        options.Host.Should().Be("10.0.0.1");
        options.Port.Should().Be(7000);
        options.Password.Should().Be("x");
    }

    [Fact]
    public void Parse_Uri_HasOneEndpoint()
    {
        RedisConnectionOptions options = RedisConnectionOptions.Parse("redis://cache:6390");

        options.Endpoints.Should().Equal(new RedisEndpoint("cache", 6390));
    }

    [Fact]
    public void Parse_RedissUri_ReadsCredentialsDatabaseAndTls()
    {
        RedisConnectionOptions options = RedisConnectionOptions.Parse("rediss://app:s%40cret@redis.example:6390/2");

        options.Host.Should().Be("redis.example");
        options.Port.Should().Be(6390);
        options.User.Should().Be("app");
        options.Password.Should().Be("s@cret");
        options.Database.Should().Be(2);
        options.Ssl.Should().BeTrue();
    }

    [Theory]
    [InlineData("redis.example:6380,ssl=true", true)]
    [InlineData("redis.example:6380,ssl=True,sslHost=redis.internal", true)]
    [InlineData("rediss://redis.example:6380", true)]
    [InlineData("REDISS://redis.example", true)]
    [InlineData("redis.example:6380,ssl=false", false)]
    [InlineData("redis.example:6380", false)]
    [InlineData("redis://redis.example:6380", false)]
    public void Parse_TlsSetting_TurnsTlsOnOnlyWhenAsked(string text, bool ssl)
    {
        RedisConnectionOptions options = RedisConnectionOptions.Parse(text);

        options.Ssl.Should().Be(ssl);
        options.Host.Should().Be("redis.example");
    }

    [Fact]
    public void Parse_RedissUriWithoutPort_UsesDefaultPortAndHostAsCertificateName()
    {
        RedisConnectionOptions options = RedisConnectionOptions.Parse("rediss://redis.example");

        options.Port.Should().Be(RedisConnectionOptions.DefaultPort);
        options.SslHost.Should().BeNull("the certificate is checked against the host connected to");
    }

    [Fact]
    public void Parse_UriWithPasswordOnly_ReadsPassword()
    {
        RedisConnectionOptions options = RedisConnectionOptions.Parse("redis://secret@localhost");

        options.User.Should().BeNull();
        options.Password.Should().Be("secret");
        options.Port.Should().Be(6379);
        options.Ssl.Should().BeFalse();
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("host:0", "invalid port")]
    [InlineData("host:abc", "invalid port")]
    [InlineData("host,colour=blue", "'colour' is not a known setting")]
    [InlineData("host,defaultDatabase=-1", "defaultDatabase=-1")]
    [InlineData("host,ssl=maybe", "ssl=maybe")]
    [InlineData("host,sslHost=redis.example", "sslHost=redis.example is set but TLS is off; add ssl=true")]
    [InlineData("host,ssl=false,sslHost=redis.example", "sslHost=redis.example is set but TLS is off; add ssl=true")]
    [InlineData("password=x", "names no endpoint")]
    [InlineData("redis://host/db", "not a database number")]
    public void Parse_BadInput_ThrowsNamingTheProblem(string text, string problem)
    {
        Action parse = () => RedisConnectionOptions.Parse(text);

        parse.Should().Throw<ArgumentException>().WithMessage($"*{problem}*");
    }

    [Fact]
    public void Parse_BadInputWithPassword_KeepsPasswordOutOfMessage()
    {
        Action parse = () => RedisConnectionOptions.Parse("host,password=hunter2,bogus=1");

        parse.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("hunter2");
    }
}
