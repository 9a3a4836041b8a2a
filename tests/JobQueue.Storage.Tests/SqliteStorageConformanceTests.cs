namespace JobQueue.Storage.Tests;

/// <summary>The conformance suite on the SQLite store: a new file in a temp folder per test.</summary>
public sealed class SqliteStorageConformanceTests : TextIdStorageConformanceTests
{
    protected override Task<IJobStorage> CreateStorageAsync() => Task.FromResult<IJobStorage>(SqliteTestFiles.CreateStore());

    protected override Task DisposeStorageAsync(IJobStorage storage)
    {
        SqliteTestFiles.Delete(storage);
        return Task.CompletedTask;
    }

    protected override Task<string> DamageAsync(JobId id, Damage damage) => SqliteDamage.ApplyAsync(Storage, id, damage);
}
