using System.Text.RegularExpressions;

namespace JobQueue.Testing.Tests;

/// <summary>docs/testing.md shows only code that compiles and passes: each of its code blocks is in the sample's tests.</summary>
public sealed partial class TestingDocsTests
{
    [Fact]
    public void TestingDocs_EveryCodeBlock_IsInTheSamplesTests()
    {
        string root = RepositoryRoot();
        string docs = File.ReadAllText(Path.Combine(root, "docs", "testing.md"));
        string[] sources = [.. Directory.GetFiles(Path.Combine(root, "samples", "WebShop.UnitTests"), "*.cs").Select(f => Trimmed(File.ReadAllText(f)))];

        string[] blocks = [.. CodeBlock().Matches(docs).Select(m => Trimmed(m.Groups[1].Value))];

        blocks.Should().HaveCountGreaterThanOrEqualTo(6);
        blocks.Should().AllSatisfy(block => sources.Should().Contain(source => source.Contains(block, StringComparison.Ordinal),
            "every C# or text block of docs/testing.md is copied from samples/WebShop.UnitTests, whose tests run:\n{0}", block));
    }

    // Indentation differs between a block and its test (methods are shown unindented); the lines do not.
    private static string Trimmed(string text)
        => string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "JobQueue.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No JobQueue.sln above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void PackageReadme_QuickStart_IsTheCompiledOne()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "src", "JobQueue.Testing", "README.md"));
        string[] compiled = Trimmed(File.ReadAllText(Path.Combine(root, "tests", "JobQueue.Testing.Tests", "ReadmeQuickStart.cs"))).Split('\n');

        // The README's program is top-level statements and types; the test holds the statements in a method. So every line
        // of the block (but its comments) is in the test, in the same order.
        string[] quickStart = [.. Trimmed(CodeBlock().Match(readme).Groups[1].Value).Split('\n').Where(l => !l.StartsWith("//", StringComparison.Ordinal))];

        int at = 0;
        foreach (string line in quickStart)
        {
            int found = Array.IndexOf(compiled, line, at);
            found.Should().BeGreaterThanOrEqualTo(0, "the README's line \"{0}\" is in ReadmeQuickStart.cs after the lines before it", line);
            at = found + 1;
        }
    }

    [GeneratedRegex("```(?:csharp|text)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
