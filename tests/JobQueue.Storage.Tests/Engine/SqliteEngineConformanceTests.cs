namespace JobQueue.Storage.Tests.Engine;

/// <summary>The engine's semantics through real hosts on the SQLite store: a new file in a temp folder per test.</summary>
public sealed class SqliteEngineConformanceTests : DurableEngineConformanceTests
{
    protected override Task<IJobStorage> CreateStorageAsync() => Task.FromResult<IJobStorage>(SqliteTestFiles.CreateStore());

    protected override Task DisposeStorageAsync(IJobStorage storage)
    {
        SqliteTestFiles.Delete(storage);
        return Task.CompletedTask;
    }

    protected override Task<string> DamageAsync(JobId id, Damage damage) => SqliteDamage.ApplyAsync(Storage, id, damage);
}
