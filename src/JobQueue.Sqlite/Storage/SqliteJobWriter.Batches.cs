
namespace JobQueue.Sqlite.Storage;

// Nested batches: a new batch counts as one child of its parent (BatchAccounting counts it there when it finishes).
internal sealed partial class SqliteJobWriter
{
    /// <summary>Counts the new batch in its parent; first in the enqueue, so a refusal leaves nothing written.</summary>
    /// <exception cref="InvalidOperationException">The parent does not exist or has finished.</exception>
    private void AddNestedBatch(BatchId batchId, BatchId parentId)
    {
        if (_commands.Get(JobSql.AddNestedBatch).With("$id", (BatchId?)parentId).ExecuteNonQuery() == 1)
        {
            return;
        }

        bool exists = _commands.Get(JobSql.BatchExists).With("$id", (BatchId?)parentId).ExecuteScalar() is not 0L;
        throw new InvalidOperationException(exists
            ? $"Batch {batchId} is to be nested in batch {parentId}, which has already finished. Nothing was written."
            : $"Batch {batchId} is to be nested in batch {parentId}, which does not exist. Nothing was written.");
    }
}
