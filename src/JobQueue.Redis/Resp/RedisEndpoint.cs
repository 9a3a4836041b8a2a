using System.Globalization;

namespace JobQueue.Redis.Resp;

/// <summary>A server address: a host name or IP address and a port.</summary>
internal readonly record struct RedisEndpoint(string Host, int Port)
{
    /// <summary>host:port, with an IPv6 address in brackets so the port stays unambiguous.</summary>
    public override string ToString()
        => Host.Contains(':', StringComparison.Ordinal)
            ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
