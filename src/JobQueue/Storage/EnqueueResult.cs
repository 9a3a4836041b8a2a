namespace JobQueue.Storage;

/// <summary>The outcome of one job of an enqueue.</summary>
public readonly record struct EnqueueResult
{
    /// <summary>The job's id, or, when <see cref="Created"/> is false, the id of the live job holding the same idempotency key.</summary>
    public required JobId Id { get; init; }

    /// <summary>False when an idempotency key matched and nothing was written.</summary>
    public required bool Created { get; init; }
}
