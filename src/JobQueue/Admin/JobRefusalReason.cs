namespace JobQueue;

/// <summary>Why <see cref="IJobAdmin"/> refused to retry or delete a job (<see cref="JobOperationRefusedException.Reason"/>).</summary>
public enum JobRefusalReason
{
    /// <summary>The job has not finished yet (Scheduled, Enqueued, Running or Awaiting): it can be neither retried nor deleted. Cancel it first.</summary>
    NotFinished = 1,

    /// <summary>The job succeeded: only Failed and Cancelled jobs are retried. Enqueue a new job to run it again.</summary>
    Succeeded = 2,

    /// <summary>
    /// The job is a child of a batch that failed and has a failure callback: that failure released the callback (or
    /// would have, had it not been cancelled), and a retry cannot take the batch's outcome back.
    /// </summary>
    BatchFailureCallbackReleased = 3,

    /// <summary>
    /// The job is a batch callback that was cancelled, by its batch's outcome (the failure callback of a batch that
    /// succeeded, or the success callback of one that failed) or before its batch decided: it is not retried.
    /// </summary>
    CancelledBatchCallback = 4,

    /// <summary>Another live job holds the job's idempotency key: retrying would run two jobs under one key.</summary>
    IdempotencyKeyInUse = 5,

    /// <summary>The job's stored state could not be read (a damaged record): it cannot be retried, only deleted.</summary>
    UnreadableState = 6,
}
