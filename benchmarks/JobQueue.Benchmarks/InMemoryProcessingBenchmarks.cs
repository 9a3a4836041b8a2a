using BenchmarkDotNet.Attributes;

namespace JobQueue.Benchmarks;

/// <summary>
/// Drains pre-filled no-op jobs from the in-memory store; bytes per operation is the allocation per processed job
/// (the memory diagnoser counts every thread, so the worker's allocations are included; the pre-fill is not).
/// </summary>
[MemoryDiagnoser]
public class InMemoryProcessingBenchmarks
{
    public const int Jobs = 20_000;

    private BenchHost? _host;
    private Task? _drained;

    [Params(10, 50)]
    public int Concurrency { get; set; }

    // BenchmarkDotNet runs iteration hooks synchronously; blocking here is outside the measured region.
    [IterationSetup]
    public void Fill() => FillAsync().GetAwaiter().GetResult();

    [IterationCleanup]
    public void Stop()
    {
        _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host = null;
    }

    [Benchmark(OperationsPerInvoke = Jobs)]
    public async Task Drain()
    {
        await _host!.StartWorkerAsync();
        await _drained!;
    }

    private async Task FillAsync()
    {
        _host = await BenchHost.StartAsync(Provider.InMemory, Concurrency, worker: true);
        await Measurements.FillAsync(_host.Client, Jobs);
        _drained = _host.Counter.Arm(Jobs);
    }
}
