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

    [GlobalSetup]
    public async Task SetupAsync() => _host = await BenchHost.StartAsync(Provider, concurrency: 10, worker: false);

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
