using JobQueue.TestSupport;

namespace JobQueue.Packages.Tests;

/// <summary>
/// Each package README's quick start, pasted into a fresh project that references the packed packages, builds; the
/// console ones run a job to the end on their store, as a newcomer running them would see.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class QuickStartTests(PackedPackages packages)
{
    [Fact]
    public async Task QuickStarts_OfEveryPackageAndTheReadme_BuildFromThePackedPackages()
    {
        QuickStartProjects quickStarts = await packages.QuickStartsAsync();

        quickStarts.Programs.Keys.Should().BeEquivalentTo(
            [.. RepositoryFolder.PackageIds, QuickStartProjects.RepositoryReadme, .. QuickStartProjects.DocsPrograms().Select(p => p.Id)]);
        quickStarts.Programs.Keys.Should().Contain("docs-handlers", "docs/handlers.md shows the handler API as a complete program");
    }

    [Fact]
    public async Task HandlersDocsProgram_RunsItsJobsToSuccess()
    {
        QuickStartProjects quickStarts = await packages.QuickStartsAsync();

        string output = await quickStarts.RunAsync("docs-handlers");

        output.Should().Contain("one import: True", "the second enqueue with the idempotency key returns the first job");
        output.Should().Contain("import: Succeeded, 3 imported, progress 100% (3 of 3)");
        output.Split('\n').Count(line => line.StartsWith("sent a welcome to ", StringComparison.Ordinal)).Should().Be(5,
            "two welcomes enqueued in bulk and three by the import job ran");
    }

    [Fact]
    public async Task InMemoryQuickStart_RunsItsJobToSuccess()
    {
        QuickStartProjects quickStarts = await packages.QuickStartsAsync();

        string output = await quickStarts.RunAsync("JobQueue");

        output.Should().Contain(": Succeeded, cat.png resized to 200 px");
    }

    [Fact]
    public async Task SqliteQuickStart_RunsItsJobToSuccessInTheFile()
    {
        QuickStartProjects quickStarts = await packages.QuickStartsAsync();
        string database = Path.Combine(quickStarts.Root, "quickstart.db");

        string output = await quickStarts.RunAsync("JobQueue.Sqlite", Connection($"Data Source={database}"));

        output.Should().Contain(": Succeeded, cat.png resized to 200 px");
        File.Exists(database).Should().BeTrue("the job was kept in the file the connection string named");
    }

    [Fact]
    public async Task PostgresQuickStart_RunsItsJobToSuccess()
    {
        QuickStartProjects quickStarts = await packages.QuickStartsAsync();
        PostgresServer server = await PostgresServer.SharedAsync();
        string database = await server.CreateDatabaseAsync();

        string output = await quickStarts.RunAsync("JobQueue.Postgres", Connection(database));

        output.Should().Contain(": Succeeded, cat.png resized to 200 px");
    }

    [Fact]
    public async Task RedisQuickStart_RunsItsJobToSuccess()
    {
        QuickStartProjects quickStarts = await packages.QuickStartsAsync();
        await using RedisServer server = await RedisServer.StartAsync();

        string output = await quickStarts.RunAsync("JobQueue.Redis", Connection(server.ConnectionString));

        output.Should().Contain(": Succeeded, cat.png resized to 200 px");
    }

    [Fact]
    public async Task TestingQuickStart_RunsTheEnqueuedJobInline()
    {
        QuickStartProjects quickStarts = await packages.QuickStartsAsync();

        string output = await quickStarts.RunAsync("JobQueue.Testing");

        output.Should().Contain("Sent to ada@example.com");
    }

    /// <summary>The quick starts read their store's connection string as ConnectionStrings:Jobs, as applications do.</summary>
    private static Dictionary<string, string> Connection(string connectionString) =>
        new(StringComparer.Ordinal) { ["ConnectionStrings__Jobs"] = connectionString };
}
