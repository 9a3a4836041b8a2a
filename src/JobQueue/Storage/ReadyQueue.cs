namespace JobQueue.Storage;

/// <summary>The ready (Enqueued) jobs of one queue: how many there are, and since when the oldest has been due.</summary>
public sealed record ReadyQueue
{
    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>How many jobs of the queue are Enqueued.</summary>
    public long Count { get; init; }

    /// <summary>
    /// The earliest run time among them, whatever their priority: now minus this is how long the queue's oldest ready
    /// job has waited (the queue's latency), the number that says whether it needs more workers.
    /// </summary>
    public DateTimeOffset OldestRunAt { get; init; }
}
