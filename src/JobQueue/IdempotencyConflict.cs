namespace JobQueue;

/// <summary>What an enqueue does when a job holds its idempotency key.</summary>
public enum IdempotencyConflict
{
    /// <summary>Nothing is written; the enqueue returns the holder's id.</summary>
    ReturnExisting = 0,

    /// <summary>
    /// A debounce: when the holder has not started (Scheduled or Enqueued, a retry's wait included), its arguments and run
    /// time are replaced by the new enqueue's, and the enqueue returns the holder's id. A holder that runs, has finished
    /// or awaits its batch is left as it is, as with <see cref="ReturnExisting"/>.
    /// </summary>
    /// <example>Send a digest five minutes after the last change: <c>new EnqueueOptions { IdempotencyKey = $"digest:{user}",
    /// IdempotencyScope = IdempotencyScope.WhileQueued, OnConflict = IdempotencyConflict.Replace, Delay = TimeSpan.FromMinutes(5) }</c>.</example>
    Replace = 1,
}
