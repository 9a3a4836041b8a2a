using BenchmarkDotNet.Attributes;

namespace JobQueue.Benchmarks;

/// <summary>
/// A second raw limit for the in-memory enqueue: what the runtime does when each item is kept, as a store keeps
/// every job it accepts. One thread adds a 296-byte object (what an in-memory enqueue keeps per job) under a new
/// id to one growing dictionary, with no job bookkeeping; the garbage collector then carries every object it
/// allocates, as it does the store's. Channel&lt;T&gt; write+read keeps nothing, so it does not show that cost.
/// </summary>
[MemoryDiagnoser]
public class RawRetainBenchmarks
{
    public const int Items = 100;

    // 24 bytes of array header and 272 of payload: 296 bytes, the allocation of one awaited in-memory enqueue.
    private const int PayloadBytes = 272;

    private readonly Dictionary<Guid, byte[]> _kept = [];
    private long _next;

    [Benchmark(OperationsPerInvoke = Items)]
    public int AddRetained()
    {
        for (int i = 0; i < Items; i++)
        {
            // A counter, not Guid.NewGuid: the kernel's random bytes would cost more here than the add itself.
            long id = ++_next;
            _kept.Add(new Guid((int)id, (short)(id >> 32), (short)(id >> 48), 0, 0, 0, 0, 0, 0, 0, 0), new byte[PayloadBytes]);
        }

        return _kept.Count;
    }
}
