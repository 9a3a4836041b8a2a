using JobQueue.Redis.Resp;

namespace JobQueue.Redis.Tests.Resp;

public sealed class RedisRedirectTests
{
    [Theory]
    [InlineData("MOVED 3999 127.0.0.1:6381", false, 3999, "127.0.0.1", 6381)]
    [InlineData("ASK 0 10.0.0.2:7000", true, 0, "10.0.0.2", 7000)]
    [InlineData("MOVED 16383 redis-2.example:6379", false, 16383, "redis-2.example", 6379)]
    [InlineData("MOVED 12 2001:db8::1:6379", false, 12, "2001:db8::1", 6379)]
    [InlineData("MOVED 12 :6390", false, 12, "replying.host", 6390)]
    public void TryParse_Redirect_ReadsKindSlotAndTarget(string error, bool ask, int slot, string host, int port)
    {
        bool parsed = RedisRedirect.TryParse(error, "replying.host", out RedisRedirect redirect);

        parsed.Should().BeTrue();
        redirect.Should().Be(new RedisRedirect(ask, slot, new RedisEndpoint(host, port)));
    }

    [Theory]
    [InlineData("ERR unknown command")]
    [InlineData("NOSCRIPT No matching script")]
    [InlineData("MOVED 3999")]
    [InlineData("MOVED x 127.0.0.1:6381")]
    [InlineData("MOVED 16384 127.0.0.1:6381")]
    [InlineData("MOVED 1 127.0.0.1")]
    [InlineData("MOVED 1 127.0.0.1:0")]
    [InlineData("MOVED 1 ?:6379")]
    [InlineData("TRYAGAIN Multiple keys request during rehashing of slot")]
    public void TryParse_OtherError_ReturnsFalse(string error)
    {
        RedisRedirect.TryParse(error, "replying.host", out _).Should().BeFalse();
    }

    [Fact]
    public void Endpoint_IPv6_PrintsBrackets()
    {
        new RedisEndpoint("::1", 7000).ToString().Should().Be("[::1]:7000");
        new RedisEndpoint("10.0.0.1", 7000).ToString().Should().Be("10.0.0.1:7000");
    }
}
