using System.Globalization;

namespace JobQueue.Redis.Resp;

/// <summary>
/// A Redis Cluster redirect read from an error reply: <c>MOVED slot host:port</c> (the slot lives on that node
/// now) or <c>ASK slot host:port</c> (the slot is migrating; ask that node once, after ASKING).
/// </summary>
internal readonly record struct RedisRedirect(bool IsAsk, int Slot, RedisEndpoint Target)
{
    /// <summary>Reads a redirect from an error reply; false for any other error.</summary>
    /// <param name="error">The error exactly as the server sent it.</param>
    /// <param name="replyingHost">
    /// The host of the node that answered: Redis 7 may send <c>:port</c> without a host when the node's own
    /// address is unknown (cluster-announce-hostname unset and no IP preferred), meaning "the same host".
    /// </param>
    /// <param name="redirect">The redirect, when the method returns true.</param>
    public static bool TryParse(string error, string replyingHost, out RedisRedirect redirect)
    {
        redirect = default;
        string[] parts = error.Split(' ');
        if (parts.Length != 3 || parts[0] is not ("MOVED" or "ASK")
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int slot) || slot > 16383)
        {
            return false;
        }

        // The port is after the last colon: Redis writes IPv6 addresses without brackets here.
        string address = parts[2];
        int colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is <= 0 or > 65535)
        {
            return false;
        }

        string host = address[..colon].Trim('[', ']');
        if (host == "?")
        {
            // "?" is cluster-preferred-endpoint-type unknown-endpoint: the server does not say where to go.
            return false;
        }

        redirect = new RedisRedirect(parts[0] == "ASK", slot, new RedisEndpoint(host.Length == 0 ? replyingHost : host, port));
        return true;
    }
}
