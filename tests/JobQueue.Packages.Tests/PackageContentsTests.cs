using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace JobQueue.Packages.Tests;

/// <summary>What a user gets from NuGet: a README that opens with a quick start, XML docs, symbols with Source Link, reproducible builds.</summary>
[Collection(PackagesCollection.Name)]
public sealed partial class PackageContentsTests(PackedPackages packages)
{
    private static readonly Guid s_sourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    public static TheoryData<string> PackageIds => [.. RepositoryFolder.PackageIds];

    [Fact]
    public void Pack_MakesOnePackageAndOneSymbolPackagePerProjectUnderSrc()
    {
        string[] made = [.. Directory.GetFiles(packages.Feed).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

        made.Should().BeEquivalentTo(RepositoryFolder.PackageIds.SelectMany(id =>
            new[] { $"{id}.{packages.Version}.nupkg", $"{id}.{packages.Version}.snupkg" }));
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Readme_OpensWithAQuickStartAndLinksOnlyToAbsoluteUrls(string id)
    {
        string readme = PackedPackages.ReadEntry(packages.PackagePath(id), "README.md") ?? "";
        XNamespace ns = packages.Nuspec(id).Root!.Name.Namespace;

        readme.Should().NotBeEmpty($"the package page of {id} shows its README");
        ((string?)packages.Nuspec(id).Descendants(ns + "readme").SingleOrDefault()).Should().Be("README.md");
        int quickStart = readme.IndexOf("```csharp", StringComparison.Ordinal);
        int firstSection = readme.IndexOf("\n## ", StringComparison.Ordinal);
        quickStart.Should().BeGreaterThan(0, $"the README of {id} shows code");
        if (firstSection >= 0)
        {
            quickStart.Should().BeLessThan(firstSection, $"the README of {id} opens with its quick start, before any section");
        }

        // A relative link works in the repository but not on a package page.
        RelativeLink().Matches(readme).Select(m => m.Value).Should().BeEmpty($"links in the README of {id} must be absolute");
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Package_CarriesItsAssemblyWithXmlDocsAndNamesItsCommit(string id)
    {
        string? docs = PackedPackages.ReadEntry(packages.PackagePath(id), $"lib/net10.0/{id}.xml");
        XDocument nuspec = packages.Nuspec(id);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        XElement repository = nuspec.Descendants(ns + "repository").Single();

        docs.Should().Contain("<member name=\"T:", $"{id} ships the XML docs of its public types");
        using (ZipArchive archive = ZipFile.OpenRead(packages.PackagePath(id)))
        {
            archive.GetEntry($"lib/net10.0/{id}.dll").Should().NotBeNull();
        }

        ((string?)repository.Attribute("url")).Should().Be("https://github.com/jobqueue/jobqueue");
        ((string?)repository.Attribute("commit")).Should().Be(packages.Commit);

        // The packages depend on each other at the version packed with them.
        foreach (XElement dependency in nuspec.Descendants(ns + "dependency")
            .Where(d => RepositoryFolder.PackageIds.Contains((string)d.Attribute("id")!)))
        {
            ((string?)dependency.Attribute("version")).Should().Be(packages.Version);
        }
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Symbols_LinkEverySourceFileToThePublicRepositoryAtTheCommit(string id)
    {
        using MetadataReaderProvider pdb = ReadPdb(id);
        MetadataReader reader = pdb.GetMetadataReader();
        string? sourceLink = null;
        foreach (CustomDebugInformationHandle handle in reader.CustomDebugInformation)
        {
            CustomDebugInformation information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) == s_sourceLinkKind)
            {
                sourceLink = Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value));
            }
        }

        string[] documents = [.. reader.Documents.Select(h => reader.GetString(reader.GetDocument(h).Name))];

        sourceLink.Should().Be($$$"""{"documents":{"/_/*":"https://raw.githubusercontent.com/jobqueue/jobqueue/{{{packages.Commit}}}/*"}}""");
        documents.Should().Contain(d => d.StartsWith($"/_/src/{id}/", StringComparison.Ordinal) && d.EndsWith(".cs", StringComparison.Ordinal),
            $"the PDB of {id} names its own source files");
        documents.Should().OnlyContain(d => d.StartsWith("/_/", StringComparison.Ordinal),
            "a reproducible build maps this machine's paths away");
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Assembly_IsBuiltDeterministically(string id)
    {
        using ZipArchive archive = ZipFile.OpenRead(packages.PackagePath(id));
        using var assembly = new MemoryStream();
        using (Stream entry = archive.GetEntry($"lib/net10.0/{id}.dll")!.Open())
        {
            entry.CopyTo(assembly);
        }

        assembly.Position = 0;
        using var pe = new PEReader(assembly);

        pe.ReadDebugDirectory().Select(e => e.Type).Should().Contain(DebugDirectoryEntryType.Reproducible);
    }

    private MetadataReaderProvider ReadPdb(string id)
    {
        using ZipArchive archive = ZipFile.OpenRead(packages.SymbolsPath(id));
        ZipArchiveEntry entry = archive.GetEntry($"lib/net10.0/{id}.pdb")
            ?? throw new InvalidOperationException($"The symbol package of {id} has no PDB.");
        var copy = new MemoryStream();
        using (Stream stream = entry.Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        return MetadataReaderProvider.FromPortablePdbStream(copy);
    }

    /// <summary>A Markdown link whose target is neither a URL with a scheme nor an anchor.</summary>
    [GeneratedRegex(@"\]\((?!https?://|#)[^)]*\)")]
    private static partial Regex RelativeLink();
}
