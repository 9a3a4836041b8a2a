using JobQueue.InMemory;

namespace JobQueue.Storage.Tests;

/// <summary>The conformance suite on the in-memory store, fresh per test.</summary>
public sealed class InMemoryStorageConformanceTests : StorageConformanceTests
{
    protected override Task<IJobStorage> CreateStorageAsync()
        => Task.FromResult<IJobStorage>(new InMemoryJobStorage(new InMemoryStorageOptions()));
}
