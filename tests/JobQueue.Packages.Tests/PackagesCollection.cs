namespace JobQueue.Packages.Tests;

/// <summary>The tests of the packed packages share one packing (about half a minute) and one build of the quick starts.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packed packages";
}
