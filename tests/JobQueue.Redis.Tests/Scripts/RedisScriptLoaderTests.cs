using System.Reflection;
using JobQueue.Redis.Scripts;
using StackExchange.Redis;

namespace JobQueue.Redis.Tests.Scripts;

/// <summary>
/// The Lua files embedded in the store: every one is read from the assembly (not from a list kept here, so a new
/// script is covered when it is added) and compiled by a real server, so a syntax error fails here, not at a fetch.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisScriptLoaderTests
{
    private readonly RedisFixture _fixture;

    public RedisScriptLoaderTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string> EmbeddedFiles() => [.. RedisScriptLoader.Files];

    [Theory]
    [MemberData(nameof(EmbeddedFiles))]
    public async Task Read_EveryEmbeddedLuaFile_CompilesOnARealServer(string path)
    {
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_fixture.Server.ConnectionString);
        string text = RedisScriptLoader.Read(path);

        // SCRIPT LOAD compiles without running: a syntax error is its error reply.
        RedisResult sha1 = await redis.GetDatabase().ExecuteAsync("SCRIPT", "LOAD", text);

        ((string?)sha1).Should().MatchRegex("^[0-9a-f]{40}$");
        text.Should().NotContain("--@", "includes and notes are the loader's, never sent to the server");
    }

    [Fact]
    public async Task Load_EveryScriptTheStoreRuns_HasTheSha1TheServerNamesItBy()
    {
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_fixture.Server.ConnectionString);
        RedisScript[] scripts = StoreScripts();

        var mismatches = new List<string>();
        foreach (RedisScript script in scripts)
        {
            // EVALSHA runs a script by the SHA1 the client computed; it must be the server's name for the same text.
            var sha1 = (string?)await redis.GetDatabase().ExecuteAsync("SCRIPT", "LOAD", script.Text);
            if (sha1 != script.Sha1)
            {
                mismatches.Add($"{script.Name}: client {script.Sha1}, server {sha1}");
            }
        }

        mismatches.Should().BeEmpty();
        scripts.Select(s => s.Name + ".lua").Should().BeEquivalentTo(
            RedisScriptLoader.Files.Where(f => !f.Contains('/', StringComparison.Ordinal)),
            "every script file is run by the store, and every script the store runs is a file of its own");
    }

    [Fact]
    public void Load_FileNotEmbedded_ThrowsNamingTheFileAndTheEmbeddedOnes()
    {
        Action load = () => RedisScriptLoader.Load("no-such-script");

        load.Should().Throw<InvalidOperationException>()
            .WithMessage("The Lua file Scripts/no-such-script.lua is not embedded in JobQueue.Redis;*Embedded: *Parts/prelude.lua*fetch.lua*");
    }

    private static RedisScript[] StoreScripts() =>
    [
        .. typeof(RedisScripts).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(RedisScript))
            .Select(f => (RedisScript)f.GetValue(null)!),
    ];
}
