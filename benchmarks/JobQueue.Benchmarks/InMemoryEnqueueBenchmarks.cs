namespace JobQueue.Benchmarks;

/// <summary>
/// Enqueue into the in-memory store; the memory diagnoser's bytes per operation is the allocation per enqueue.
/// </summary>
public class InMemoryEnqueueBenchmarks : EnqueueBenchmarks
{
    protected override Provider Store => Provider.InMemory;
}
