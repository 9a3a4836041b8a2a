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

    /// <summary>
    /// With <see cref="BatchFailurePolicy.FailFast"/>, the step that counts the batch's first failure also cancels every child
    /// job that has not finished (Scheduled, Enqueued, Running: its lease cleared, so a running attempt's writes are refused),
    /// each counted as a failure of the batch. Nested batches are not cancelled; they count when they finish.
    /// </summary>
    public BatchFailurePolicy FailurePolicy { get; init; }

    /// <summary>
    /// The batch this one is nested in, or null. The parent must exist and not have finished, or the enqueue throws
    /// <see cref="InvalidOperationException"/> and writes nothing. The nested batch counts as one child of its parent (one
    /// to its total and pending), and in the step in which the nested batch's last pending child finishes it counts in its
    /// parent: a success when the nested batch Succeeded, else a failure (with the parent's accounting and failure policy).
    /// </summary>
    public BatchId? ParentBatchId { get; init; }
}
