namespace JobQueue.Storage;

/// <summary>The outcome of retrying one job through <see cref="IJobStorage.RetryAsync"/>.</summary>
public enum RetryOutcome
{
    /// <summary>No such job.</summary>
    NotFound = 0,

    /// <summary>The job was Failed or Cancelled and is Enqueued again, due now.</summary>
    Retried = 1,

    /// <summary>Refused: the job has not finished (Scheduled, Enqueued, Running or Awaiting); nothing changed.</summary>
    NotFinished = 2,

    /// <summary>Refused: the job succeeded; nothing changed.</summary>
    Succeeded = 3,

    /// <summary>
    /// Refused: the job is a child of a batch that has failed and has a failure callback, which that failure released
    /// (or would have, had it not been cancelled first); the batch's outcome cannot be taken back. Nothing changed.
    /// </summary>
    BatchFailureCallbackReleased = 4,

    /// <summary>
    /// Refused: the job is a batch's success or failure callback that was cancelled (by its batch's outcome, or
    /// before it was due); running it now would act on an outcome its batch did not have. Nothing changed.
    /// </summary>
    CancelledBatchCallback = 5,

    /// <summary>Refused: another live job holds the job's idempotency key; nothing changed.</summary>
    IdempotencyKeyInUse = 6,

    /// <summary>Refused: the job's stored state could not be read (a damaged record, shown as Failed); nothing changed.</summary>
    UnreadableState = 7,
}
