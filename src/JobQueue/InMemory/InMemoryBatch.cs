using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>
/// A batch's state and its accounting (children's outcomes, callback release, fail-fast, the count in a parent batch); only
/// touched under the store's lock, read out as <see cref="StoredBatch"/> copies.
/// </summary>
internal sealed class InMemoryBatch
{
    public InMemoryBatch(BatchId id, DateTimeOffset createdAt)
    {
        Id = id;
        CreatedAt = createdAt;
    }

    public BatchId Id { get; }

    public DateTimeOffset CreatedAt { get; }

    public BatchState State { get; private set; }

    public int Total { get; private set; }

    public int Succeeded { get; private set; }

    public int Failed { get; private set; }

    public int Pending => Total - Succeeded - Failed;

    public InMemoryJob? SuccessCallback { get; set; }

    public InMemoryJob? FailureCallback { get; set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public BatchFailurePolicy FailurePolicy { get; init; }

    /// <summary>The batch this one is nested in: it counts there as one child.</summary>
    public InMemoryBatch? Parent { get; init; }

    /// <summary>Set once this batch's outcome was counted in <see cref="Parent"/>, so it never counts twice.</summary>
    private bool _countedInParent;

    /// <summary>One more pending child: a job, or a nested batch until it finishes.</summary>
    public void AddChild() => Total++;

    /// <summary>
    /// Counts a child's final outcome, with everything that follows in the same atomic step: the first failure decides
    /// the batch (its failure callback released, its success callback cancelled, and under fail-fast its unfinished
    /// children cancelled); the last pending child finishes it (its success callback released if none failed) and
    /// counts it once in its parent.
    /// </summary>
    /// <param name="succeeded">Whether the child succeeded; a failed or cancelled one counts as a failure.</param>
    /// <param name="now">The time of the change, from the store's request.</param>
    /// <param name="store">The store whose lock the caller holds: it releases and cancels the jobs.</param>
    public void CountChild(bool succeeded, DateTimeOffset now, InMemoryJobStorage store)
    {
        if (succeeded)
        {
            Succeeded++;
        }
        else
        {
            Failed++;
            if (State == BatchState.Running)
            {
                // The first failure decides the batch; later failures only count.
                State = BatchState.Failed;
                store.ReleaseCallbackLocked(FailureCallback, now);
                store.CancelCallbackLocked(SuccessCallback, now);
                if (FailurePolicy == BatchFailurePolicy.FailFast)
                {
                    // Each cancelled child counts as a failure through the store's FinishLocked, which may finish the batch.
                    store.CancelUnfinishedChildrenLocked(this, now);
                }
            }
        }

        if (Pending == 0)
        {
            FinishedAt = now;
            if (State == BatchState.Running)
            {
                Succeed(now, store);
            }

            CountInParent(now, store);
        }
    }

    /// <summary>A batch created with no children: every child (of none) succeeded, or it would wait forever.</summary>
    public void FinishEmpty(DateTimeOffset now, InMemoryJobStorage store)
    {
        Succeed(now, store);
        CountInParent(now, store);
    }

    /// <summary>
    /// A failed child is pending again (retried by an administrator): counted once more when it finishes. The batch's
    /// state stays Failed (decided at its first failure, its callbacks released or cancelled then).
    /// </summary>
    public void ChildRetried()
    {
        Failed--;
        FinishedAt = null;
    }

    /// <summary>A nested batch that finished counts once in its parent: a success when it Succeeded, else a failure.</summary>
    private void CountInParent(DateTimeOffset now, InMemoryJobStorage store)
    {
        if (Parent is InMemoryBatch parent && !_countedInParent)
        {
            _countedInParent = true;
            parent.CountChild(State == BatchState.Succeeded, now, store);
        }
    }

    private void Succeed(DateTimeOffset now, InMemoryJobStorage store)
    {
        State = BatchState.Succeeded;
        FinishedAt = now;
        store.ReleaseCallbackLocked(SuccessCallback, now);
        store.CancelCallbackLocked(FailureCallback, now);
    }

    public StoredBatch ToStored() => new()
    {
        Id = Id,
        State = State,
        Total = Total,
        Succeeded = Succeeded,
        Failed = Failed,
        SuccessJobId = SuccessCallback?.Id,
        FailureJobId = FailureCallback?.Id,
        CreatedAt = CreatedAt,
        FinishedAt = FinishedAt,
        FailurePolicy = FailurePolicy,
        ParentBatchId = Parent?.Id,
    };
}
