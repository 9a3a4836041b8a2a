using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

// Unique jobs: the holder of an idempotency key by the holder's own scope, and the debounce (replace on conflict).
internal sealed partial class SqliteJobWriter
{
    /// <summary>The job holding <paramref name="key"/> at the command's $now, or null when the key is free.</summary>
    /// <remarks>A holder whose id does not read cannot be named by the caller; it still holds the key, under a default id.</remarks>
    private static Holder? FindHolder(SqliteCommand findHolder, string key)
    {
        using SqliteDataReader reader = findHolder.With("$key", key).ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        JobId id = reader.GetFieldType(0) == typeof(string) && StoredJobReader.TryParseId(reader.GetString(0), out Guid guid) ? new JobId(guid) : default;
        return new Holder(id);
    }

    /// <summary>
    /// Gives a holder that has not started the new job's arguments and run time; a holder in any other state is left as
    /// it is and returned as a plain conflict.
    /// </summary>
    private EnqueueResult ReplaceHolder(Holder holder, NewJob job, DateTimeOffset now)
    {
        SqliteCommand replace = _commands.Get(JobSql.ReplaceHolder)
            .With("$id", holder.Id)
            .With("$arguments", job.Arguments)
            .With("$run_at", job.RunAt)
            .With("$now", now);
        using SqliteDataReader reader = replace.ExecuteReader();
        if (!reader.Read())
        {
            return new EnqueueResult { Id = holder.Id, Created = false };
        }

        if (reader.GetInt32(0) == (int)JobState.Enqueued)
        {
            Effects.ReadyQueues.Add(reader.GetString(1));
        }

        Effects.ChangedJobs.Add(holder.Id);
        return new EnqueueResult { Id = holder.Id, Created = false, Replaced = true };
    }

    private readonly record struct Holder(JobId Id);
}
