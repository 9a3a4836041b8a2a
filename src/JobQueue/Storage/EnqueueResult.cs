namespace JobQueue.Storage;

/// <summary>The outcome of one job of an enqueue.</summary>
public readonly record struct EnqueueResult
{
    /// <summary>The job's id, or, when <see cref="Created"/> is false, the id of the live job holding the same idempotency key.</summary>
    public required JobId Id { get; init; }

    /// <summary>False when an idempotency key matched and nothing was written.</summary>
    public required bool Created { get; init; }

    /// <summary>
    /// True when an idempotency key matched a holder that had not started and the job asked to replace it
    /// (<see cref="NewJob.ReplaceOnConflict"/>): the holder's arguments and run time are now this job's.
    /// </summary>
    public bool Replaced { get; init; }
}
