using System.Diagnostics;
using JobQueue.Redis.Resp;
using JobQueue.Testing;

namespace JobQueue.Redis.Tests.Upgrade.Generator;

/// <summary>
/// Writes the upgrade fixture: drives the RESP client's store against a throwaway redis-server into a state with jobs
/// in flight (see <see cref="Scenario"/>), then dumps every key it wrote with the facts the test needs.
/// </summary>
/// <remarks>
/// Run from the repository root, with src/ committed so the recorded commit is the code that wrote the data:
/// <code>dotnet run --project tests/JobQueue.Redis.Tests/Upgrade/Generator -c Release -- tests/JobQueue.Redis.Tests/Upgrade/written-by-resp-client.json</code>
/// The output is deterministic (fixed ids, lease tokens and times) except for the commit and server version in its header.
/// </remarks>
internal static class Program
{
    private const string KeyPrefix = "upgrade";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 1)
        {
            await Console.Error.WriteLineAsync(
                "Usage: dotnet run --project tests/JobQueue.Redis.Tests/Upgrade/Generator -c Release -- tests/JobQueue.Redis.Tests/Upgrade/"
                + UpgradeFixture.FileName);
            return 2;
        }

        string output = Path.GetFullPath(args[0]);
        string repository = Path.GetDirectoryName(output)!;
        string commit = await GitAsync(repository, "rev-parse", "--short", "HEAD");
        bool sourceModified = (await GitAsync(repository, "status", "--porcelain", "--", ":/src")).Length > 0;

        // Always a server of its own: the dump takes every key of the database.
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);
        await using var storage = new RespJobStorage(
            new RedisClient(RedisConnectionOptions.Parse(server.ConnectionString)),
            new RedisStorageOptions { KeyPrefix = KeyPrefix },
            ownsClient: true);
        CancellationToken cancellationToken = Deadline.Token();

        UpgradeFixture.FixtureFacts facts = await new Scenario(storage, cancellationToken).RunAsync();
        IReadOnlyList<UpgradeFixture.FixtureKey> keys = await StoreDump.ReadAllAsync(storage.Client, storage.Prefix, cancellationToken);
        string redisVersion = await StoreDump.ServerVersionAsync(storage.Client, cancellationToken);

        var fixture = new UpgradeFixture
        {
            Source = new UpgradeFixture.FixtureSource
            {
                Commit = commit,
                SourceModified = sourceModified,
                RedisServer = redisVersion,
                Client = "JobQueue.Redis's own RESP client (src/JobQueue.Redis/Resp), RESP2",
                Generator = "tests/JobQueue.Redis.Tests/Upgrade/Generator",
            },
            KeyPrefix = storage.Prefix,
            Keys = keys,
            Facts = facts,
        };
        await File.WriteAllTextAsync(output, UpgradeFixture.Serialize(fixture), cancellationToken);
        Console.WriteLine($"Wrote {keys.Count} keys and the facts of {facts.Jobs.Count} jobs to {output} (commit {commit}{(sourceModified ? ", src/ modified" : string.Empty)}, redis {redisVersion}).");
        return 0;
    }

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(directory);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process git = Process.Start(start) ?? throw new InvalidOperationException("git did not start.");
        string text = await git.StandardOutput.ReadToEndAsync();
        await git.WaitForExitAsync();
        return git.ExitCode == 0
            ? text.Trim()
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} in {directory} exited with code {git.ExitCode}; the fixture must be written inside the repository.");
    }
}
