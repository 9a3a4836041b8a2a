using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite;

/// <summary>
/// Counts a batch child's end and releases the right callback. Runs inside the transaction that ends the child,
/// so the count, the batch state and the callback release commit together with the child's state, or not at all.
/// </summary>
internal sealed class BatchAccounting
{
    private readonly SqliteStatementCache _commands;
    private readonly WriteEffects _effects;

    public BatchAccounting(SqliteStatementCache commands, WriteEffects effects)
    {
        _commands = commands;
        _effects = effects;
    }

    public void ChildSucceeded(string batchId, DateTimeOffset now)
    {
        BatchCounts? counts = Count(JobSql.CountBatchSuccess, batchId, now);

        // Only the success that empties a batch with no failure sees these values (state 1 = Succeeded).
        if (counts is { State: 1, Failed: 0 } && counts.Succeeded == counts.Total)
        {
            Release(counts.SuccessJobId, now);
            CancelCallback(counts.FailureJobId, now);
        }
    }

    public void ChildFailed(string batchId, DateTimeOffset now)
    {
        BatchCounts? counts = Count(JobSql.CountBatchFailure, batchId, now);

        // The first failure of a batch that was running (state 2 = Failed, one failure counted).
        if (counts is { State: 2, Failed: 1 })
        {
            Release(counts.FailureJobId, now);
            CancelCallback(counts.SuccessJobId, now);
        }
    }

    private BatchCounts? Count(string sql, string batchId, DateTimeOffset now)
    {
        SqliteCommand command = _commands.Get(sql).With("$id", batchId).With("$now", now);
        using SqliteDataReader reader = command.ExecuteReader();

        // No row: the batch was pruned (a child finishing after its batch aged out); nothing left to count.
        return reader.Read()
            ? new BatchCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5))
            : null;
    }

    private void Release(string? callbackId, DateTimeOffset now)
    {
        if (callbackId is null)
        {
            return;
        }

        SqliteCommand command = _commands.Get(JobSql.ReleaseCallback).With("$id", callbackId).With("$now", now);
        if (command.ExecuteScalar() is string queue)
        {
            _effects.ReadyQueues.Add(queue);
        }
    }

    private void CancelCallback(string? callbackId, DateTimeOffset now)
    {
        if (callbackId is null)
        {
            return;
        }

        SqliteCommand command = _commands.Get(JobSql.CancelCallback).With("$id", callbackId).With("$now", now);
        // A damaged callback id is cancelled all the same, but has no JobId to signal: nobody can wait for it.
        if (command.ExecuteNonQuery() == 1 && StoredJobReader.TryParseId(callbackId, out Guid id))
        {
            _effects.FinishedJobs.Add(new JobId(id));
        }
    }

    private sealed record BatchCounts(int State, int Total, int Succeeded, int Failed, string? SuccessJobId, string? FailureJobId);
}
