namespace JobQueue;

/// <summary>What a batch does when one of its children fails for good (or is cancelled).</summary>
public enum BatchFailurePolicy
{
    /// <summary>
    /// The other children go on to their end. The first failure marks the batch Failed, releases its failure callback
    /// once and cancels its success callback.
    /// </summary>
    Continue = 0,

    /// <summary>
    /// The first failure also cancels every child that has not finished, running ones included (their handlers see their
    /// cancellation token fire), in the same step as the failure; they count as failed. Nested batches run to their end.
    /// </summary>
    FailFast = 1,
}
