using System.Text.RegularExpressions;

namespace JobQueue.Tests.Diagnostics;

/// <summary>docs/diagnostics.md lists every log message the packages can write, with its level.</summary>
public sealed partial class EventIdDocsTests
{
    [Fact]
    public void DiagnosticsPage_ListsEveryEventIdOfThePackagesWithItsLevel()
    {
        string root = RepositoryFiles.Root();
        string[] rows = [.. File.ReadAllLines(Path.Combine(root, "docs", "diagnostics.md")).Where(line => line.StartsWith("| ", StringComparison.Ordinal))];
        var messages = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => LoggerMessage().Matches(File.ReadAllText(file)).Select(m => (Id: m.Groups["id"].Value, Level: m.Groups["level"].Value, File: Path.GetFileName(file))))
            .ToList();

        var missing = messages
            .Where(message => !rows.Any(row => IdsOf(row).Contains(message.Id) && row.Contains(message.Level, StringComparison.Ordinal)))
            .Select(message => $"{message.Id} ({message.Level}, {message.File})")
            .ToList();

        messages.Should().HaveCountGreaterThan(50, "the packages log through source-generated messages");
        missing.Should().BeEmpty("docs/diagnostics.md is where users look up an event id; a row names the id and its level");
    }

    // The ids of a table row's first cell: "2110 / 2108".
    private static string[] IdsOf(string row) => row.Split('|')[1].Split('/', StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"EventId = (?<id>\d+),\s*Level = LogLevel\.(?<level>\w+)")]
    private static partial Regex LoggerMessage();
}
