using System.Security.Cryptography;
using System.Text;

namespace JobQueue.Redis.Resp;

/// <summary>A Lua script run by its SHA1 (EVALSHA), so only the first call, or the first after a server restart or SCRIPT FLUSH, sends its text.</summary>
internal sealed class RedisScript
{
    public RedisScript(string name, string text)
    {
        Name = name;
        Text = text;

        // SHA1 is what Redis names scripts by; it identifies, it does not protect anything.
#pragma warning disable CA5350
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5350
    }

    /// <summary>A name for error messages.</summary>
    public string Name { get; }

    public string Text { get; }

    public string Sha1 { get; }
}
