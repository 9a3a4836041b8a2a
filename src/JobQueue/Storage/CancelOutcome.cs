namespace JobQueue.Storage;

/// <summary>The outcome of cancelling one job.</summary>
public enum CancelOutcome
{
    /// <summary>No such job.</summary>
    NotFound = 0,

    /// <summary>The job had already finished; nothing changed.</summary>
    AlreadyFinished = 1,

    /// <summary>The job was waiting (Scheduled, Enqueued or Awaiting) and will never start.</summary>
    Cancelled = 2,

    /// <summary>The job was running; it is Cancelled and its lease is void, so the worker's writes are refused.</summary>
    CancelledWhileRunning = 3,
}
