namespace JobQueue.Storage.Tests.Postgres;

/// <summary>The conformance suite on PostgreSQL: the run's server, a fresh schema per test.</summary>
public sealed class PostgresStorageConformanceTests : DurableStorageConformanceTests
{
    protected override Task<IJobStorage> CreateStorageAsync() => PostgresTestSchemas.CreateAsync();

    protected override Task DisposeStorageAsync(IJobStorage storage) => PostgresTestSchemas.DropAsync(storage);

    protected override Task<string> DamageAsync(JobId id, Damage damage) => PostgresDamage.ApplyAsync(Storage, id, damage);
}
