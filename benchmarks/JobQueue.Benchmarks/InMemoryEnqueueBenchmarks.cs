using BenchmarkDotNet.Attributes;

namespace JobQueue.Benchmarks;

/// <summary>
/// Enqueue into the in-memory store; the memory diagnoser's bytes per operation is the allocation per enqueue.
/// Public and unsealed because BenchmarkDotNet generates code against it.
/// </summary>
[MemoryDiagnoser]
public class InMemoryEnqueueBenchmarks
{
    private BenchHost? _host;

    // Synchronous on purpose: the in-process toolchain does not wait for an async [GlobalSetup], so a store whose
    // startup takes a while (PostgreSQL's migrations) was still starting when the first iteration ran. Blocking
    // here is outside the measured region.
    [GlobalSetup]
    public void Setup() => _host = BenchHost.StartAsync(Provider.InMemory, concurrency: 10, worker: false).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.Awaited)]
    public Task EnqueueAwaited() => EnqueueScenarios.AwaitedAsync(_host!.Client);

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.InFlight)]
    public Task Enqueue100InFlight() => EnqueueScenarios.InFlightAsync(_host!.Client);

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.Bulk)]
    public Task EnqueueMany1000() => EnqueueScenarios.BulkAsync(_host!.Client);
}
