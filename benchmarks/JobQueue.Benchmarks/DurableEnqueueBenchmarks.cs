using BenchmarkDotNet.Attributes;

namespace JobQueue.Benchmarks;

/// <summary>
/// Enqueue into the durable stores whose servers run.sh started. A separate class from the in-memory one because
/// it needs far fewer invocations per iteration: the store grows by every job enqueued.
/// </summary>
[MemoryDiagnoser]
public class DurableEnqueueBenchmarks
{
    private BenchHost? _host;

    [ParamsSource(nameof(Providers))]
    public Provider Provider { get; set; }

    public static IEnumerable<Provider> Providers() => BenchEnvironment.DurableProviders();

    // Synchronous on purpose: the in-process toolchain does not wait for an async [GlobalSetup], so a store whose
    // startup takes a while (PostgreSQL's migrations) was still starting when the first iteration ran. Blocking
    // here is outside the measured region.
    [GlobalSetup]
    public void Setup() => _host = BenchHost.StartAsync(Provider, concurrency: 10, worker: false).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.Awaited)]
    public Task EnqueueAwaited() => EnqueueScenarios.AwaitedAsync(_host!.Client);

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.InFlight)]
    public Task Enqueue100InFlight() => EnqueueScenarios.InFlightAsync(_host!.Client);

    [Benchmark(OperationsPerInvoke = EnqueueScenarios.Bulk)]
    public Task EnqueueMany1000() => EnqueueScenarios.BulkAsync(_host!.Client);
}
