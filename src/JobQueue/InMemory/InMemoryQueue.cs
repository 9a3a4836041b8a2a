using System.Threading.Channels;
using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>One queue of the in-memory store: its ready jobs in fetch order, its wake-up signal and its counts per state.</summary>
internal sealed class InMemoryQueue
{
    private static readonly BoundedChannelOptions s_signalOptions = new(1)
    {
        // Capacity 1 with DropWrite: a signal raised while nobody waits is kept (the next wait completes at
        // once) and further signals coalesce into it, so a burst of enqueues costs no memory.
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = false,
        SingleWriter = false,
    };

    private readonly long[] _counts = new long[7];

    public InMemoryQueue(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>
    /// Enqueued jobs in fetch order. Cancelling an Enqueued job leaves its entry behind (a heap has no cheap
    /// removal); fetch skips entries whose job is no longer Enqueued.
    /// </summary>
    public PriorityQueue<InMemoryJob, ReadyKey> Ready { get; } = new();

    public Channel<bool> Signal { get; } = Channel.CreateBounded<bool>(s_signalOptions);

    public bool HasJobs
    {
        get
        {
            foreach (long count in _counts)
            {
                if (count != 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public void Count(JobState state, int delta) => _counts[(int)state] += delta;

    public void Push(InMemoryJob job) => Ready.Enqueue(job, new ReadyKey(job.Definition.Priority, job.RunAtUtcTicks, job.Sequence));

    /// <summary>Raises the wake-up signal; never blocks, and the channel runs the woken reader's continuation asynchronously.</summary>
    public void Wake() => Signal.Writer.TryWrite(true);

    public QueueStatistics ToStatistics() => new()
    {
        Queue = Name,
        Scheduled = _counts[(int)JobState.Scheduled],
        Enqueued = _counts[(int)JobState.Enqueued],
        Running = _counts[(int)JobState.Running],
        Succeeded = _counts[(int)JobState.Succeeded],
        Failed = _counts[(int)JobState.Failed],
        Cancelled = _counts[(int)JobState.Cancelled],
        Awaiting = _counts[(int)JobState.Awaiting],
    };
}
