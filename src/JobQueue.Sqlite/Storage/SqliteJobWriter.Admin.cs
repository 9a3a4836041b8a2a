using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

// Job administration: retry, delete and the throughput counts, each in the caller's write transaction.
internal sealed partial class SqliteJobWriter
{
    // Attempts that ended in this write, per (minute, queue): written once per pair when the operation ends, so a call
    // of many completions costs one counter update per queue rather than one per job.
    private Dictionary<(long Minute, string Queue), (long Succeeded, long Failed)>? _attempts;

    public IReadOnlyList<RetryOutcome> Retry(RetryRequest request)
    {
        SqliteCommand select = _commands.Get(AdminSql.SelectForRetry);
        var outcomes = new RetryOutcome[request.Ids.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            string id = StoredJobReader.Format(request.Ids[i].Value);
            long state;
            string? batchId;
            bool isCallback;
            string? key;
            string queue;
            using (SqliteDataReader reader = select.With("$id", id).ExecuteReader())
            {
                if (!reader.Read())
                {
                    outcomes[i] = RetryOutcome.NotFound;
                    continue;
                }

                state = reader.GetFieldType(0) == typeof(long) ? reader.GetInt64(0) : -1;
                batchId = reader.IsDBNull(1) ? null : reader.GetString(1);
                isCallback = reader.GetInt32(2) == 1;
                key = reader.IsDBNull(3) ? null : reader.GetString(3);
                queue = reader.GetString(4);
            }

            outcomes[i] = RetryOne(id, state, isCallback ? null : batchId, isCallback, key, queue, request.Now);
        }

        return outcomes;
    }

    public IReadOnlyList<DeleteOutcome> Delete(DeleteRequest request)
    {
        SqliteCommand select = _commands.Get(JobSql.SelectStateById);
        SqliteCommand delete = _commands.Get(AdminSql.Delete);
        var outcomes = new DeleteOutcome[request.Ids.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            string id = StoredJobReader.Format(request.Ids[i].Value);
            object? state = select.With("$id", id).ExecuteScalar();
            if (state is null)
            {
                outcomes[i] = DeleteOutcome.NotFound;
            }
            else if (state is long value and (0 or 1 or 2 or 6))
            {
                outcomes[i] = DeleteOutcome.NotFinished;
            }
            else
            {
                // Finished, or a state that does not read (shown as Failed): gone, as prune would take it.
                delete.With("$id", id).ExecuteNonQuery();
                outcomes[i] = DeleteOutcome.Deleted;
            }
        }

        return outcomes;
    }

    public int PruneThroughput(ThroughputPruneRequest request) => _commands.Get(AdminSql.PruneThroughput)
        .With("$before", request.Before)
        .With("$limit", request.Limit)
        .ExecuteNonQuery();

    /// <summary>Counts an attempt that ended, in the minute of <paramref name="now"/>; written by <see cref="FlushAttempts"/>.</summary>
    private void CountAttempt(string queue, DateTimeOffset now, bool succeeded)
    {
        long stored = SqliteTime.ToStored(now);
        var key = (stored - (stored % TimeSpan.TicksPerMinute), queue);
        _attempts ??= [];
        (long s, long f) = _attempts.GetValueOrDefault(key);
        _attempts[key] = succeeded ? (s + 1, f) : (s, f + 1);
    }

    /// <summary>Writes the counts of this operation, in its transaction.</summary>
    private void FlushAttempts()
    {
        if (_attempts is not { Count: > 0 })
        {
            return;
        }

        SqliteCommand command = _commands.Get(AdminSql.CountAttempts);
        foreach (((long minute, string queue), (long succeeded, long failed)) in _attempts)
        {
            command.With("$minute", minute).With("$queue", queue).With("$succeeded", succeeded).With("$failed", failed).ExecuteNonQuery();
        }

        _attempts.Clear();
    }

    private RetryOutcome RetryOne(string id, long state, string? childOfBatch, bool isCallback, string? key, string queue, DateTimeOffset now)
    {
        switch (state)
        {
            case < 0 or > 6:
                return RetryOutcome.UnreadableState;
            case (long)JobState.Succeeded:
                return RetryOutcome.Succeeded;
            case (long)JobState.Cancelled when isCallback:
                return RetryOutcome.CancelledBatchCallback;
            case (long)JobState.Failed or (long)JobState.Cancelled:
                break;
            default:
                return RetryOutcome.NotFinished;
        }

        // The write lock is held since BEGIN IMMEDIATE (or the application's transaction): nothing read here changes
        // before the updates below.
        bool batchExists = false;
        if (childOfBatch is not null)
        {
            object? hasFailureCallback = _commands.Get(AdminSql.BatchHasFailureCallback).With("$id", childOfBatch).ExecuteScalar();
            if (hasFailureCallback is 1L)
            {
                return RetryOutcome.BatchFailureCallbackReleased;
            }

            batchExists = hasFailureCallback is not null;
        }

        // The job itself, Failed or Cancelled, holds its key only for a period (ForPeriod); then it may be retried.
        if (key is not null && FindHolder(_commands.Get(JobSql.FindIdempotencyHolder).With("$now", now), key) is { } holder
            && StoredJobReader.Format(holder.Id.Value) != id)
        {
            return RetryOutcome.IdempotencyKeyInUse;
        }

        _commands.Get(AdminSql.Retry).With("$id", id).With("$now", now).ExecuteNonQuery();
        if (batchExists)
        {
            _commands.Get(AdminSql.UncountBatchFailure).With("$id", childOfBatch).ExecuteNonQuery();
        }

        Effects.ReadyQueues.Add(queue);
        return RetryOutcome.Retried;
    }
}
