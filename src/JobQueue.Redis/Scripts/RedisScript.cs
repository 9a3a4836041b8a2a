using System.Security.Cryptography;
using System.Text;

namespace JobQueue.Redis.Scripts;

/// <summary>
/// A Lua script of the store, run by its SHA1 (EVALSHA), so only the first call on a server, or the first after a
/// restart, a SCRIPT FLUSH or a move to another cluster node, sends its text.
/// </summary>
internal sealed class RedisScript
{
    public RedisScript(string name, string text)
    {
        Name = name;
        Text = text;

        // SHA1 is what Redis names scripts by; it identifies, it does not protect anything.
#pragma warning disable CA5350
        Hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
        Sha1 = Convert.ToHexStringLower(Hash);
    }

    /// <summary>A name for error messages.</summary>
    public string Name { get; }

    public string Text { get; }

    /// <summary>The SHA1 as 40 lower-case hex digits, as Redis names the script.</summary>
    public string Sha1 { get; }

    /// <summary>The SHA1's 20 bytes, as StackExchange.Redis takes them for EVALSHA.</summary>
    public byte[] Hash { get; }
}
