namespace JobQueue;

/// <summary>
/// One queue as <see cref="IJobAdmin.GetQueuesAsync"/> lists it: its jobs by state, whether it is paused, how long its
/// oldest ready job has waited, and the hosts that serve it.
/// </summary>
public sealed class QueueInfo
{
    /// <summary>The queue's name.</summary>
    public required string Name { get; init; }

    /// <summary>Whether the queue is paused: no host starts its jobs until it is resumed.</summary>
    public bool Paused { get; init; }

    /// <summary>When the queue was paused; null when it is not.</summary>
    public DateTimeOffset? PausedAt { get; init; }

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

    /// <summary>
    /// How long the oldest ready job has waited since it was due: the queue's latency, the number that says whether it
    /// needs more workers (or, for a paused queue, how long the pause has held work back). Zero when no job is ready.
    /// </summary>
    public TimeSpan Latency { get; init; }

    /// <summary>How many live hosts (<see cref="HostStatus.Alive"/>) serve the queue, from their last heartbeats.</summary>
    public int Hosts { get; init; }

    /// <summary>The live hosts' concurrency for the queue, added up: how many of its jobs can run at once.</summary>
    public int Concurrency { get; init; }
}
