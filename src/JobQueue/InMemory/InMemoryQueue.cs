using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

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

    /// <summary>Every job of the queue in enqueue order, for listing the queue's jobs (see InMemoryJobStorage.Admin).</summary>
    public SequenceList Jobs { get; } = new();

    // Enqueued jobs in fetch order, kept in two parts. The lane holds jobs pushed in fetch order, the usual case
    // (one priority, due now, enqueue order): one reference per job, taken in O(1). The heap holds a job that
    // sorts before the lane's last one (a higher priority, or a retry or promotion due earlier). Fetch takes
    // the smaller of the two heads. Cancelling an Enqueued job leaves its entry behind (neither has a cheap
    // removal); fetch skips entries whose job is no longer Enqueued.
    private readonly Queue<InMemoryJob> _lane = new();
    private readonly PriorityQueue<InMemoryJob, ReadyKey> _heap = new();
    private ReadyKey _laneTail;

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

    /// <summary>How many of its jobs are in each state, indexed by <see cref="JobState"/>.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Ready entries, including ones left behind by a cancel.</summary>
    public int ReadyCount => _lane.Count + _heap.Count;

    public int RunningCount => (int)_counts[(int)JobState.Running];

    public void Push(InMemoryJob job)
    {
        ReadyKey key = KeyOf(job);
        if (_lane.Count == 0 || key.CompareTo(_laneTail) > 0)
        {
            _lane.Enqueue(job);
            _laneTail = key;
        }
        else
        {
            _heap.Enqueue(job, key);
        }
    }

    /// <summary>Takes the first ready entry in fetch order; the caller skips it if its job is no longer Enqueued.</summary>
    public bool TryTakeReady([NotNullWhen(true)] out InMemoryJob? job)
    {
        if (!_lane.TryPeek(out InMemoryJob? laneHead))
        {
            return _heap.TryDequeue(out job, out _);
        }

        // A lane job's key cannot have changed since its push: run time and priority only change for jobs
        // that are not Enqueued, and a cancelled job's entry is skipped whatever its place.
        if (_heap.TryPeek(out InMemoryJob? heapHead, out ReadyKey heapKey) && heapKey.CompareTo(KeyOf(laneHead)) < 0)
        {
            _heap.Dequeue();
            job = heapHead;
            return true;
        }

        job = _lane.Dequeue();
        return true;
    }

    /// <summary>Every ready entry, in no order, including ones left behind by a cancel (the caller checks the state).</summary>
    public IEnumerable<InMemoryJob> ReadyEntries()
    {
        foreach (InMemoryJob job in _lane)
        {
            yield return job;
        }

        foreach ((InMemoryJob job, ReadyKey _) in _heap.UnorderedItems)
        {
            yield return job;
        }
    }

    /// <summary>The earliest run time among the Enqueued jobs, or null when there is none.</summary>
    /// <remarks>
    /// A scan of the ready entries (the heap keeps no order by run time alone once priorities differ): a health check's
    /// cost, proportional to the backlog, in a store whose backlog lives in this process's memory anyway.
    /// </remarks>
    public DateTimeOffset? OldestReadyRunAt()
    {
        long oldest = long.MaxValue;
        foreach (InMemoryJob job in _lane)
        {
            if (job.State == JobState.Enqueued && job.RunAtUtcTicks < oldest)
            {
                oldest = job.RunAtUtcTicks;
            }
        }

        foreach ((InMemoryJob job, ReadyKey _) in _heap.UnorderedItems)
        {
            if (job.State == JobState.Enqueued && job.RunAtUtcTicks < oldest)
            {
                oldest = job.RunAtUtcTicks;
            }
        }

        return oldest == long.MaxValue ? null : new DateTimeOffset(oldest, TimeSpan.Zero);
    }

    /// <summary>Raises the wake-up signal; never blocks, and the channel runs the woken reader's continuation asynchronously.</summary>
    public void Wake() => Signal.Writer.TryWrite(true);

    private static ReadyKey KeyOf(InMemoryJob job) => new(job.Definition.Priority, job.RunAtUtcTicks, job.Sequence);
}
