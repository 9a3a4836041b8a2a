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

    [GlobalSetup]
    public async Task SetupAsync() => _host = await BenchHost.StartAsync(Provider.InMemory, concurrency: 10, worker: false);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.Awaited)]
    public Task EnqueueAwaited() => EnqueueScenarios.AwaitedAsync(_host!.Client);

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.InFlight)]
    public Task Enqueue100InFlight() => EnqueueScenarios.InFlightAsync(_host!.Client);

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.Bulk)]
    public Task EnqueueMany1000() => EnqueueScenarios.BulkAsync(_host!.Client);
}
