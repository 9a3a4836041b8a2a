using BenchmarkDotNet.Attributes;

namespace JobQueue.Benchmarks;

/// <summary>
/// The three enqueue shapes against one store, for the in-memory and the durable suites, which differ in the
/// stores they run and in how many invocations an iteration can afford. Public and unsealed because
/// BenchmarkDotNet generates code against the derived classes.
/// </summary>
[MemoryDiagnoser]
public abstract class EnqueueBenchmarks
{
    private BenchHost? _host;

    /// <summary>The store this run measures.</summary>
    protected abstract Provider Store { get; }

    // Synchronous on purpose: the in-process toolchain does not wait for an async [GlobalSetup], so a store whose
    // startup takes a while (PostgreSQL's migrations) was still starting when the first iteration ran. Blocking
    // here is outside the measured region.
    [GlobalSetup]
    public void Setup() => _host = BenchHost.StartAsync(Store, concurrency: 10, worker: false).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.Awaited)]
    public Task EnqueueAwaited() => EnqueueScenarios.AwaitedAsync(_host!.Client);

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.InFlight)]
    public Task Enqueue100InFlight() => EnqueueScenarios.InFlightAsync(_host!.Client);

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.Bulk)]
    public Task EnqueueMany1000() => EnqueueScenarios.BulkAsync(_host!.Client);
}
