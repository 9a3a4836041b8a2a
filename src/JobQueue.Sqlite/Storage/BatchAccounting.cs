using JobQueue.Sqlite.Notifications;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// Counts a batch child's end and releases the right callback. Runs inside the transaction that ends the child,
/// so the count, the batch state and the callback release commit together with the child's state, or not at all.
/// </summary>
/// <remarks>
/// The same step also applies the batch's failure policy (fail-fast cancels its unfinished child jobs, each a failure) and,
/// when the batch has just finished, counts it once in the batch it is nested in, recursively up the chain of parents.
/// </remarks>
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

        CountInParentIfFinished(batchId, counts, now);
    }

    /// <summary>A batch written without children succeeds at once (else it would wait forever), and counts in its parent.</summary>
    public void Created(string batchId, DateTimeOffset now)
    {
        BatchCounts? counts = Count(JobSql.SucceedEmptyBatch, batchId, now);
        if (counts is not null)
        {
            Release(counts.SuccessJobId, now);
            CancelCallback(counts.FailureJobId, now);
            CountInParentIfFinished(batchId, counts, now);
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
            if (counts.FailFast)
            {
                counts = CancelUnfinishedChildren(batchId, now) ?? counts;
            }
        }

        CountInParentIfFinished(batchId, counts, now);
    }

    /// <summary>Fail-fast: the batch's unfinished child jobs are cancelled in this step, and counted as failures together.</summary>
    private BatchCounts? CancelUnfinishedChildren(string batchId, DateTimeOffset now)
    {
        int cancelled = 0;
        using (SqliteDataReader reader = _commands.Get(JobSql.CancelUnfinishedChildren).With("$id", batchId).With("$now", now).ExecuteReader())
        {
            while (reader.Read())
            {
                cancelled++;

                // Waiters of the job (and a running attempt's watch) hear of it; a damaged id has no JobId to signal.
                if (reader.GetFieldType(0) == typeof(string) && StoredJobReader.TryParseId(reader.GetString(0), out Guid id))
                {
                    _effects.FinishedJobs.Add(new JobId(id));
                }
            }
        }

        if (cancelled == 0)
        {
            return null;
        }

        SqliteCommand count = _commands.Get(JobSql.CountBatchFailures).With("$id", batchId).With("$now", now).With("$count", cancelled);
        using SqliteDataReader counted = count.ExecuteReader();
        return counted.Read() ? ReadCounts(counted) : null;
    }

    /// <summary>
    /// A nested batch whose last pending child just finished counts in its parent, once: a success when it Succeeded, else
    /// a failure (with the parent's own accounting and failure policy).
    /// </summary>
    private void CountInParentIfFinished(string batchId, BatchCounts? counts, DateTimeOffset now)
    {
        if (counts is not { ParentBatchId: { } parentId, CountedInParent: false } || counts.Succeeded + counts.Failed != counts.Total)
        {
            return;
        }

        if (_commands.Get(JobSql.MarkCountedInParent).With("$id", batchId).ExecuteNonQuery() == 0)
        {
            return;
        }

        if (counts.State == 1)
        {
            ChildSucceeded(parentId, now);
        }
        else
        {
            ChildFailed(parentId, now);
        }
    }

    private BatchCounts? Count(string sql, string batchId, DateTimeOffset now)
    {
        SqliteCommand command = _commands.Get(sql).With("$id", batchId).With("$now", now);
        using SqliteDataReader reader = command.ExecuteReader();

        // No row: the batch was pruned (a child finishing after its batch aged out); nothing left to count.
        return reader.Read() ? ReadCounts(reader) : null;
    }

    /// <summary>Reads the RETURNING columns of the batch counting statements.</summary>
    private static BatchCounts ReadCounts(SqliteDataReader reader) => new(
        reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
        reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
        FailFast: reader.GetInt32(6) == (int)BatchFailurePolicy.FailFast,
        ParentBatchId: reader.IsDBNull(7) ? null : reader.GetString(7),
        CountedInParent: reader.GetInt32(8) == 1);

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

    private sealed record BatchCounts(int State, int Total, int Succeeded, int Failed, string? SuccessJobId, string? FailureJobId,
        bool FailFast, string? ParentBatchId, bool CountedInParent);
}
