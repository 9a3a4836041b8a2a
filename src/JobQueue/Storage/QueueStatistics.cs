namespace JobQueue.Storage;

/// <summary>How many jobs of one queue are in each state.</summary>
public sealed record QueueStatistics
{
    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>Jobs waiting for their run time.</summary>
    public long Scheduled { get; init; }

    /// <summary>Jobs ready to run.</summary>
    public long Enqueued { get; init; }

    /// <summary>Jobs running now.</summary>
    public long Running { get; init; }

    /// <summary>Jobs that succeeded and are still retained.</summary>
    public long Succeeded { get; init; }

    /// <summary>Jobs that failed for good and are still retained.</summary>
    public long Failed { get; init; }

    /// <summary>Jobs that were cancelled and are still retained.</summary>
    public long Cancelled { get; init; }

    /// <summary>Batch callbacks waiting for their batch.</summary>
    public long Awaiting { get; init; }
}
