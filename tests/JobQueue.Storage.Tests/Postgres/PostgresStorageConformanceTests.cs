namespace JobQueue.Storage.Tests.Postgres;

/// <summary>The conformance suite on PostgreSQL: the run's server, a fresh schema per test.</summary>
public sealed class PostgresStorageConformanceTests : StorageConformanceTests
{
    protected override Task<IJobStorage> CreateStorageAsync() => PostgresTestSchemas.CreateAsync();

    protected override Task DisposeStorageAsync(IJobStorage storage) => PostgresTestSchemas.DropAsync(storage);
}
