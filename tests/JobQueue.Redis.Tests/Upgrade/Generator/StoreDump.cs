using System.Text;
using JobQueue.Redis.Resp;

namespace JobQueue.Redis.Tests.Upgrade.Generator;

/// <summary>Reads every key of the server into the fixture's portable form.</summary>
internal static class StoreDump
{
    // Throws on bytes that are not UTF-8 instead of replacing them: the fixture must hold what Redis holds.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<IReadOnlyList<UpgradeFixture.FixtureKey>> ReadAllAsync(RedisClient client, string prefix, CancellationToken cancellationToken)
    {
        // KEYS on a throwaway server of one store: all of it is the store's, and a key outside the prefix is a finding.
        RespValue names = await client.ExecuteAsync(new RespCommand("KEYS").Add("*"), cancellationToken);
        List<string> keys = [.. names.Items.Select(Text)];
        keys.Sort(StringComparer.Ordinal);
        string? stray = keys.FirstOrDefault(key => !key.StartsWith(prefix, StringComparison.Ordinal));
        if (stray is not null)
        {
            throw new InvalidOperationException($"The store wrote key '{stray}' outside its prefix '{prefix}'; the test's prefix rewrite would miss it.");
        }

        var dump = new List<UpgradeFixture.FixtureKey>(keys.Count);
        foreach (string key in keys)
        {
            string type = (await client.ExecuteAsync(new RespCommand("TYPE").Add(key), cancellationToken)).AsString()!;
            var entry = new UpgradeFixture.FixtureKey { Key = key, Type = type };
            dump.Add(type switch
            {
                "hash" => entry with { Hash = Pairs(await ExecuteAsync(client, cancellationToken, "HGETALL", key)) },
                "zset" => entry with { Zset = Scores(await ExecuteAsync(client, cancellationToken, "ZRANGE", key, "0", "-1", "WITHSCORES")) },
                "list" => entry with { List = [.. (await ExecuteAsync(client, cancellationToken, "LRANGE", key, "0", "-1")).Items.Select(Text)] },
                "set" => entry with { Set = [.. (await ExecuteAsync(client, cancellationToken, "SMEMBERS", key)).Items.Select(Text).Order(StringComparer.Ordinal)] },
                "string" => entry with { Value = Text(await ExecuteAsync(client, cancellationToken, "GET", key)) },
                _ => throw new InvalidOperationException($"Key '{key}' is a {type}; the fixture format knows hash, zset, list, set and string."),
            });
        }

        return dump;
    }

    public static async Task<string> ServerVersionAsync(RedisClient client, CancellationToken cancellationToken)
    {
        string info = Text(await ExecuteAsync(client, cancellationToken, "INFO", "server"));
        const string Field = "redis_version:";
        return info.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith(Field, StringComparison.Ordinal))?[Field.Length..]
            ?? throw new InvalidOperationException("INFO server named no redis_version.");
    }

    private static Task<RespValue> ExecuteAsync(RedisClient client, CancellationToken cancellationToken, string name, params string[] arguments)
    {
        var command = new RespCommand(name);
        foreach (string argument in arguments)
        {
            command.Add(argument);
        }

        return client.ExecuteAsync(command, cancellationToken);
    }

    private static SortedDictionary<string, string> Pairs(RespValue reply)
    {
        // Ordered by field so the checked-in file does not change when the server's hash order does.
        var pairs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<RespValue> items = reply.Items;
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            pairs.Add(Text(items[i]), Text(items[i + 1]));
        }

        return pairs;
    }

    private static List<UpgradeFixture.FixtureZsetEntry> Scores(RespValue reply)
    {
        // RESP2 sends each score as the bulk string the server formatted: kept as it is, it goes back exactly.
        IReadOnlyList<RespValue> items = reply.Items;
        var entries = new List<UpgradeFixture.FixtureZsetEntry>(items.Count / 2);
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            entries.Add(new UpgradeFixture.FixtureZsetEntry(Text(items[i]), Text(items[i + 1])));
        }

        return entries;
    }

    private static string Text(RespValue value) => s_strictUtf8.GetString(value.Bytes);
}
