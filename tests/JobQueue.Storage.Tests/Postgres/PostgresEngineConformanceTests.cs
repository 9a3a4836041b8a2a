using JobQueue.Storage.Tests.Engine;

namespace JobQueue.Storage.Tests.Postgres;

/// <summary>The engine suite through real worker hosts on PostgreSQL: the run's server, a fresh schema per test.</summary>
public sealed class PostgresEngineConformanceTests : EngineConformanceTests
{
    protected override Task<IJobStorage> CreateStorageAsync() => PostgresTestSchemas.CreateAsync();

    protected override Task DisposeStorageAsync(IJobStorage storage) => PostgresTestSchemas.DropAsync(storage);
}
