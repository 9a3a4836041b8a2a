using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;

namespace JobQueue.Packages.Tests;

/// <summary>
/// Every shipped package, packed once for the test class into a folder that serves as a package source. The version
/// is unique to this run, so a restore can never pick an older copy of the same version from the machine's package
/// cache; those copies are deleted again at the end.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public string Feed { get; } = Path.Combine(Path.GetTempPath(), "jobqueue-feed-" + Guid.NewGuid().ToString("N"));

    public string Version { get; } = "0.1.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    private readonly object _gate = new();
    private Task<QuickStartProjects>? _quickStarts;

    /// <summary>The commit the packages were built from, which their Source Link must name.</summary>
    public string Commit { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        Commit = (await GitAsync("rev-parse", "HEAD")).Trim();

        // --no-build: what is packed is exactly what this test run built and tested.
        await DotnetCli.RunAsync(RepositoryFolder.Root,
            ["pack", "JobQueue.sln", "-c", RepositoryFolder.Configuration, "--no-build", "-o", Feed, "-p:PackageVersion=" + Version]);
    }

    /// <summary>The packages' quick starts as fresh projects, built on first use and shared by the tests.</summary>
    internal Task<QuickStartProjects> QuickStartsAsync()
    {
        lock (_gate)
        {
            return _quickStarts ??= QuickStartProjects.CreateAsync(this);
        }
    }

    public Task DisposeAsync()
    {
        if (_quickStarts is { IsCompletedSuccessfully: true })
        {
            _quickStarts.Result.Delete();
        }

        Directory.Delete(Feed, recursive: true);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in RepositoryFolder.PackageIds)
        {
            string cached = Path.Combine(cache, id.ToLowerInvariant(), Version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }

        return Task.CompletedTask;
    }

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public string SymbolsPath(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    /// <summary>The text of one file inside a package, or null when the package lacks it.</summary>
    public static string? ReadEntry(string package, string entryName)
    {
        using ZipArchive archive = ZipFile.OpenRead(package);
        ZipArchiveEntry? entry = archive.GetEntry(entryName);
        if (entry is null)
        {
            return null;
        }

        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    public XDocument Nuspec(string id) =>
        XDocument.Parse(ReadEntry(PackagePath(id), id + ".nuspec") ?? throw new InvalidOperationException($"{id} has no nuspec."));

    private static async Task<string> GitAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepositoryFolder.Root, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start git.");
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)} exited with {process.ExitCode}.");
    }
}
