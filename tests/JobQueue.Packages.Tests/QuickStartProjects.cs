using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace JobQueue.Packages.Tests;

/// <summary>
/// One fresh project per package README (and the repository's README, and each complete program of docs/*.md), made the
/// way its quick start says: the README's first C# block, read from
/// the packed package, is the project's Program.cs, and each `dotnet add package X` it names becomes a package
/// reference (ours at the packed version, others at the version this repository pins). They live outside the
/// repository, restore from the packed folder and the public source, and build together.
/// </summary>
internal sealed partial class QuickStartProjects
{
    private QuickStartProjects(string root, IReadOnlyDictionary<string, string> programs)
    {
        Root = root;
        Programs = programs;
    }

    /// <summary>The id of the repository README's quick start, which users paste into `dotnet new web`.</summary>
    public const string RepositoryReadme = "README";

    public string Root { get; }

    /// <summary>Each package's quick start, by package id.</summary>
    public IReadOnlyDictionary<string, string> Programs { get; }

    public static async Task<QuickStartProjects> CreateAsync(PackedPackages packages)
    {
        string root = Path.Combine(Path.GetTempPath(), "jobqueue-quickstarts-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);

        // Stop MSBuild's upward search here: nothing of this machine's folders above may shape the build.
        await File.WriteAllTextAsync(Path.Combine(root, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(root, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(root, "nuget.config"), NugetConfig(packages.Feed));

        var programs = new Dictionary<string, string>(StringComparer.Ordinal);
        var projects = new List<string>();
        IEnumerable<(string Id, string Program)> all = Readmes(packages)
            .Select(r => (r.Id, FirstCSharpBlock(r.Readme) ?? throw new InvalidOperationException($"The README of {r.Id} has no C# block.")))
            .Concat(DocsPrograms());
        foreach ((string id, string program) in all)
        {
            programs[id] = program;

            string folder = Path.Combine(root, id);
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "Program.cs"), program);
            await File.WriteAllTextAsync(Path.Combine(folder, id + ".QuickStart.csproj"), ProjectFile(program, packages.Version));
            projects.Add($"  <Project Path=\"{id}/{id}.QuickStart.csproj\" />");
        }

        await File.WriteAllTextAsync(Path.Combine(root, "QuickStarts.slnx"), $"<Solution>\n{string.Join('\n', projects)}\n</Solution>\n");
        await DotnetCli.RunAsync(root, ["build", "QuickStarts.slnx", "-c", "Release"]);
        return new QuickStartProjects(root, programs);
    }

    /// <summary>Each package's README as packed, and the repository's own README under the id "README".</summary>
    private static IEnumerable<(string Id, string Readme)> Readmes(PackedPackages packages)
    {
        foreach (string id in RepositoryFolder.PackageIds)
        {
            yield return (id, PackedPackages.ReadEntry(packages.PackagePath(id), "README.md")
                ?? throw new InvalidOperationException($"{id} has no README.md."));
        }

        yield return (RepositoryReadme, File.ReadAllText(Path.Combine(RepositoryFolder.Root, "README.md")));
    }

    /// <summary>
    /// Every C# block of docs/*.md marked as a complete program (its first line starts with "// Program.cs"), under the
    /// id "docs-PAGE" (then "docs-PAGE-2" and on for a page with more than one).
    /// </summary>
    public static IEnumerable<(string Id, string Program)> DocsPrograms()
    {
        foreach (string page in Directory.GetFiles(Path.Combine(RepositoryFolder.Root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            int count = 0;
            foreach (Match block in CSharpBlock().Matches(File.ReadAllText(page)))
            {
                string program = block.Groups["code"].Value;
                if (program.StartsWith("// Program.cs", StringComparison.Ordinal))
                {
                    count++;
                    yield return ("docs-" + Path.GetFileNameWithoutExtension(page) + (count > 1 ? "-" + count : ""), program);
                }
            }
        }
    }

    /// <summary>Runs one built quick start in its own folder and returns what it printed.</summary>
    public Task<string> RunAsync(string id, IReadOnlyDictionary<string, string>? environment = null)
    {
        string folder = Path.Combine(Root, id);
        string assembly = Path.Combine(folder, "bin", "Release", "net10.0", id + ".QuickStart.dll");
        return DotnetCli.RunAsync(folder, ["exec", assembly], environment);
    }

    public void Delete() => Directory.Delete(Root, recursive: true);

    public static string? FirstCSharpBlock(string markdown)
    {
        Match match = CSharpBlock().Match(markdown);
        return match.Success ? match.Groups["code"].Value : null;
    }

    private static string ProjectFile(string program, string packedVersion)
    {
        bool web = program.Contains("WebApplication.CreateBuilder", StringComparison.Ordinal);
        IReadOnlyDictionary<string, string> pinned = PinnedVersions();
        var references = new List<string>();
        foreach (Match match in AddPackage().Matches(program))
        {
            string package = match.Groups["id"].Value;
            string version = RepositoryFolder.PackageIds.Contains(package) ? packedVersion
                : pinned.TryGetValue(package, out string? pin) ? pin
                : throw new InvalidOperationException($"The quick start adds {package}, which this repository does not pin.");
            references.Add($"    <PackageReference Include=\"{package}\" Version=\"{version}\" />");
        }

        return $"""
            <Project Sdk="{(web ? "Microsoft.NET.Sdk.Web" : "Microsoft.NET.Sdk")}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
            {string.Join('\n', references)}
              </ItemGroup>
            </Project>
            """;
    }

    /// <summary>The versions this repository pins (Directory.Packages.props), which the packages were built against.</summary>
    private static IReadOnlyDictionary<string, string> PinnedVersions() =>
        XDocument.Load(Path.Combine(RepositoryFolder.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.Ordinal);

    /// <summary>The repository's own package sources, with the folder of packed packages first.</summary>
    private static string NugetConfig(string feed)
    {
        string config = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "nuget.config"));
        return config.Replace("<clear />", $"<clear />\n    <add key=\"packed-jobqueue\" value=\"{feed}\" />", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"dotnet add package (?<id>[A-Za-z0-9_.]+)")]
    private static partial Regex AddPackage();
}
