namespace JobQueue.Packages.Tests;

/// <summary>The checkout these tests run from: the folder that holds JobQueue.sln.</summary>
internal static class RepositoryFolder
{
    public static string Root { get; } = Find();

    /// <summary>The build configuration of this test assembly, which is the one whose outputs get packed.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>Every shipped package: each project under src/ (src/Shared holds source files, not a project).</summary>
    public static IReadOnlyList<string> PackageIds { get; } =
        [.. Directory.GetDirectories(Path.Combine(Root, "src"))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => File.Exists(Path.Combine(Root, "src", name, name + ".csproj")))
            .Order(StringComparer.Ordinal)];

    private static string Find()
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
}
