namespace JobQueue.Storage;

/// <summary>The outcome of one job of an enqueue.</summary>
/// <param name="Id">The job's id, or, when <paramref name="Created"/> is false, the id of the live job holding the same idempotency key.</param>
/// <param name="Created">False when an idempotency key matched and nothing was written.</param>
public readonly record struct EnqueueResult(JobId Id, bool Created);
