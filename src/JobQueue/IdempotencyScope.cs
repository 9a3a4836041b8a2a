namespace JobQueue;

/// <summary>How long a job holds its idempotency key: while it does, an enqueue with the same key creates nothing.</summary>
public enum IdempotencyScope
{
    /// <summary>
    /// From enqueue until the job fails for good or is cancelled: a job that succeeded keeps its key for as long as it is
    /// kept (until pruned), so the work runs once; a failed or cancelled one frees it, so the work can be tried again.
    /// </summary>
    UntilSucceeded = 0,

    /// <summary>
    /// While the job waits to run (Scheduled, Enqueued, or waiting for a retry) and, for a batch callback, while it
    /// awaits its batch. A running job does not hold its key: a change made while it runs enqueues a new job.
    /// </summary>
    WhileQueued = 1,

    /// <summary>While the job waits to run or runs: every final state (Succeeded, Failed, Cancelled) frees its key.</summary>
    WhileQueuedOrRunning = 2,

    /// <summary>For <see cref="EnqueueOptions.IdempotencyPeriod"/> after the job was enqueued, whatever its state.</summary>
    ForPeriod = 3,
}
