using BenchmarkDotNet.Attributes;

namespace JobQueue.Benchmarks;

/// <summary>
/// Enqueue into the durable stores whose servers run.sh started. A separate class from the in-memory one because
/// it needs far fewer invocations per iteration: the store grows by every job enqueued.
/// </summary>
public class DurableEnqueueBenchmarks : EnqueueBenchmarks
{
    [ParamsSource(nameof(Providers))]
    public Provider Provider { get; set; }

    public static IEnumerable<Provider> Providers() => BenchEnvironment.DurableProviders();

    protected override Provider Store => Provider;
}
