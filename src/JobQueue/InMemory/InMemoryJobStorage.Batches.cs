namespace JobQueue.InMemory;

// Batch failure policies.
internal sealed partial class InMemoryJobStorage
{
    /// <summary>
    /// Fail-fast: every child job of <paramref name="batch"/> that has not finished is cancelled, running ones included (their
    /// lease is cleared, so their writes are refused); each counts as a failure. Callbacks and nested batches are not touched.
    /// </summary>
    internal void CancelUnfinishedChildrenLocked(InMemoryBatch batch, DateTimeOffset now)
    {
        if (!_byBatch.TryGetValue(batch.Id, out SequenceList? members))
        {
            return;
        }

        // A copy: cancelling finishes jobs, which may finish the batch and its parents while this walks.
        foreach (InMemoryJob child in members.Descending(long.MaxValue).ToList())
        {
            if (child.ParentBatch == batch && !child.IsFinal)
            {
                if (child.IsParked)
                {
                    UnparkCancelledLocked(child);
                }
                else if (child.State == JobState.Enqueued)
                {
                    child.Runs.StaleReadyEntry = true;
                }

                FinishLocked(child, JobState.Cancelled, now);
            }
        }
    }
}
