namespace JobQueue.Storage.Tests;

/// <summary>The conformance suite on the SQLite store: a new file in a temp folder per test.</summary>
public sealed class SqliteStorageConformanceTests : StorageConformanceTests
{
    protected override Task<IJobStorage> CreateStorageAsync() => Task.FromResult<IJobStorage>(SqliteTestFiles.CreateStore());

    protected override Task DisposeStorageAsync(IJobStorage storage)
    {
        SqliteTestFiles.Delete(storage);
        return Task.CompletedTask;
    }
}
