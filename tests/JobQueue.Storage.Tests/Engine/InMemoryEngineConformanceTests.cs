using JobQueue.InMemory;

namespace JobQueue.Storage.Tests.Engine;

public sealed class InMemoryEngineConformanceTests : EngineConformanceTests
{
    protected override Task<IJobStorage> CreateStorageAsync() => Task.FromResult<IJobStorage>(new InMemoryJobStorage(new InMemoryStorageOptions()));
}
