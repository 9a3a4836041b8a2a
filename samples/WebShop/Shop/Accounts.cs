using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace WebShop.Shop;

/// <summary>
/// The shop's accounts and their sign-in tokens (in memory: a real shop has a table). Only a token's hash is kept,
/// so a leaked store holds no usable link.
/// </summary>
public sealed class Accounts
{
    private readonly ConcurrentDictionary<string, bool> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (string Email, DateTimeOffset Expires)> _tokens = new();

    /// <summary>Creates the account if it does not exist; true when it was new.</summary>
    public bool Register(string email) => _accounts.TryAdd(email, true);

    /// <summary>A new single-use token for a sign-in link, valid for 15 minutes.</summary>
    public string IssueToken(string email, DateTimeOffset now)
    {
        string token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        _tokens[Hash(token)] = (email, now.AddMinutes(15));
        return token;
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
