namespace JobQueue.Storage;

/// <summary>
/// A batch to create with the request's jobs. Its children are the request's jobs whose
/// <see cref="NewJob.BatchId"/> is <see cref="Id"/>; its callbacks are stored Awaiting until released.
/// </summary>
public sealed record NewBatch
{
    /// <summary>The batch's id, made by the client.</summary>
    public required BatchId Id { get; init; }

    /// <summary>Released (Enqueued) once, after every child succeeded; cancelled if a child fails for good.</summary>
    public NewJob? SuccessCallback { get; init; }

    /// <summary>Released once, at the first child that fails for good or is cancelled; cancelled if every child succeeds.</summary>
    public NewJob? FailureCallback { get; init; }
}
