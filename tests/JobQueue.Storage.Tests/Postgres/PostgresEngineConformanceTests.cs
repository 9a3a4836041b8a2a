using JobQueue.Storage.Tests.Engine;

namespace JobQueue.Storage.Tests.Postgres;

/// <summary>The engine suite through real worker hosts on PostgreSQL: the run's server, a fresh schema per test.</summary>
public sealed class PostgresEngineConformanceTests : DurableEngineConformanceTests
{
    protected override Task<IJobStorage> CreateStorageAsync() => PostgresTestSchemas.CreateAsync();

    protected override Task DisposeStorageAsync(IJobStorage storage) => PostgresTestSchemas.DropAsync(storage);

    protected override Task<string> DamageAsync(JobId id, Damage damage) => PostgresDamage.ApplyAsync(Storage, id, damage);
}
