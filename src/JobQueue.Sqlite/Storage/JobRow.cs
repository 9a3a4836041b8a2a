using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

/// <summary>One job row to insert: the job and what the enqueue decided for it.</summary>
/// <param name="Job">The job.</param>
/// <param name="State">Enqueued, Scheduled, or Awaiting for a batch callback.</param>
/// <param name="BatchId">The batch the row belongs to, as a child or as a callback.</param>
/// <param name="IsCallback">True for a batch callback: it belongs to the batch, uncounted, and holds no idempotency key.</param>
internal readonly record struct JobRow(NewJob Job, JobState State, BatchId? BatchId, bool IsCallback);
