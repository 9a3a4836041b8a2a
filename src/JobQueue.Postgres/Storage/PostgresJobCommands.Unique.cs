using JobQueue.Storage;
using Npgsql;
using NpgsqlTypes;

namespace JobQueue.Postgres.Storage;

// Idempotency keys of a request of several jobs: decided under the keys' advisory locks, before anything is written.
internal sealed partial class PostgresJobCommands
{
    /// <summary>
    /// The advisory lock key of an idempotency key in this schema: a stable hash (FNV-1a), never string.GetHashCode,
    /// which differs per process. Two keys that share a lock key only share a lock.
    /// </summary>
    public long IdempotencyKeyLock(string key)
    {
        ulong hash = 14695981039346656037;
        foreach (string part in (ReadOnlySpan<string>)["jobqueue.idempotency:", Sql.Schema, ":", key])
        {
            foreach (char c in part)
            {
                hash = (hash ^ c) * 1099511628211;
            }
        }

        return unchecked((long)hash);
    }

    /// <summary>
    /// Decides, row by row in request order, which rows are written: a row whose key has a holder (in the store, or an
    /// earlier row of the request) is not, and returns the holder's id; with <see cref="NewJob.ReplaceOnConflict"/>
    /// a holder that has not started takes its arguments and run time. Runs inside the enqueue's transaction: the
    /// keys' locks, taken first, keep every other enqueue of these keys out until it ends.
    /// </summary>
    /// <returns>Per row, its outcome; <see cref="EnqueueResult.Created"/> says whether to write it.</returns>
    private async Task<EnqueueResult[]> ResolveIdempotencyKeysAsync(NpgsqlConnection connection, List<StagedJob> rows, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var outcomes = new EnqueueResult[rows.Count];
        string[] keys = [.. rows.Select(r => r.Job.IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal)];
        if (keys.Length == 0)
        {
            for (int i = 0; i < rows.Count; i++)
            {
                outcomes[i] = new EnqueueResult { Id = rows[i].Job.Id, Created = true };
            }

            return outcomes;
        }

        // Sorted: every enqueue takes its keys' locks in the same order, so two never wait on each other in a cycle.
        long[] locks = [.. keys.Select(IdempotencyKeyLock).Distinct().Order()];
        var holders = new Dictionary<string, Holder>(StringComparer.Ordinal);
        await using (var batch = new NpgsqlBatch(connection))
        {
            var lockKeys = new NpgsqlBatchCommand(Sql.LockIdempotencyKeys);
            lockKeys.Parameters.Add(new NpgsqlParameter<long[]>("key_locks", locks));
            batch.BatchCommands.Add(lockKeys);

            // A statement of its own after the locks: its snapshot sees every holder committed before they were granted.
            var find = new NpgsqlBatchCommand(Sql.Holders);
            find.Parameters.Add(new NpgsqlParameter<string[]>("keys", keys));
            find.Parameters.Add(Time("now", now));
            batch.BatchCommands.Add(find);
            await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                holders[reader.GetString(0)] = new Holder(new JobId(reader.GetGuid(1)), (JobState)reader.GetInt16(2), Row: -1);
            }
        }

        // The last replacement of a stored holder wins, as if the request's jobs were enqueued one after another.
        var replacements = new Dictionary<Guid, NewJob>();
        for (int i = 0; i < rows.Count; i++)
        {
            NewJob job = rows[i].Job;
            if (job.IdempotencyKey is not { } key || !holders.TryGetValue(key, out Holder holder))
            {
                outcomes[i] = new EnqueueResult { Id = job.Id, Created = true };
                if (job.IdempotencyKey is { } written && HoldsWhenWritten(job, now))
                {
                    holders[written] = new Holder(job.Id, rows[i].IsCallback ? JobState.Awaiting : StateAt(job.RunAt, now), i);
                }

                continue;
            }

            bool replace = job.ReplaceOnConflict && holder.State is JobState.Scheduled or JobState.Enqueued;
            outcomes[i] = new EnqueueResult { Id = holder.Id, Created = false, Replaced = replace };
            if (!replace)
            {
                continue;
            }

            if (holder.Row >= 0)
            {
                // A holder of this request, not written yet: it is written with the new arguments and run time.
                rows[holder.Row] = rows[holder.Row] with { Job = rows[holder.Row].Job with { Arguments = job.Arguments, RunAt = job.RunAt } };
            }
            else
            {
                replacements[holder.Id.Value] = job;
            }

            holders[key] = holder with { State = StateAt(job.RunAt, now) };
        }

        if (replacements.Count > 0)
        {
            await using var command = new NpgsqlCommand(Sql.ReplaceHolders, connection);
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. replacements.Keys]));
            command.Parameters.Add(new NpgsqlParameter<byte[][]>("arguments", [.. replacements.Values.Select(j => j.Arguments)])
            {
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea,
            });
            command.Parameters.Add(TimeArray("run_ats", replacements.Values.Select(j => j.RunAt)));
            command.Parameters.Add(Time("now", now));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    /// <summary>Whether a job just written holds its key: it waits to run (or awaits its batch), so every scope but an expired period does.</summary>
    private static bool HoldsWhenWritten(NewJob job, DateTimeOffset now) =>
        job.IdempotencyScope != IdempotencyScope.ForPeriod || job.IdempotencyUntil > now;

    private static JobState StateAt(DateTimeOffset runAt, DateTimeOffset now) => runAt > now ? JobState.Scheduled : JobState.Enqueued;

    /// <summary>One row of a staged enqueue: a job, or a batch's callback.</summary>
    private sealed record StagedJob(NewJob Job, BatchId? BatchId, bool IsCallback);

    /// <summary>The job that holds a key, as this request sees it.</summary>
    /// <param name="Id">The holder's id.</param>
    /// <param name="State">Its state, after any replacement by this request.</param>
    /// <param name="Row">The request row that holds the key, or -1 for a job in the store.</param>
    private readonly record struct Holder(JobId Id, JobState State, int Row);
}
