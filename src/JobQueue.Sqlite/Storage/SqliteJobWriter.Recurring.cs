using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

// Recurring jobs: writes. Each runs inside the caller's write transaction, which holds SQLite's write lock from its first
// statement (BEGIN IMMEDIATE), so a read here and the writes that depend on it cannot be split by another writer.
internal sealed partial class SqliteJobWriter
{
    public IReadOnlyList<RecurringUpsertOutcome> UpsertRecurring(RecurringUpsertRequest request)
    {
        var outcomes = new RecurringUpsertOutcome[request.Jobs.Count];
        long? declaredAt = request.Declared ? SqliteTime.ToStored(request.Now) : null;
        for (int i = 0; i < outcomes.Length; i++)
        {
            RecurringJobDefinition definition = request.Jobs[i];
            SqliteCommand select = _commands.Get(RecurringSql.SelectDefinition).With("$id", definition.Id);
            bool exists;
            bool same = false;
            using (SqliteDataReader reader = select.ExecuteReader())
            {
                exists = reader.Read();
                if (exists)
                {
                    same = string.Equals(reader.GetString(0), definition.Name, StringComparison.Ordinal)
                        && string.Equals(reader.GetString(1), definition.Cron, StringComparison.Ordinal)
                        && string.Equals(reader.GetString(2), definition.TimeZone, StringComparison.Ordinal)
                        && reader.GetFieldValue<byte[]>(3).AsSpan().SequenceEqual(definition.Arguments)
                        && string.Equals(reader.IsDBNull(4) ? null : reader.GetString(4), definition.Queue, StringComparison.Ordinal)
                        && (reader.IsDBNull(5) ? null : (int?)reader.GetInt32(5)) == definition.Priority
                        && reader.GetInt32(6) == (int)definition.Misfire
                        && reader.GetInt32(7) == definition.MaxCatchUp
                        && reader.GetInt32(8) == (int)definition.Overlap;
                }
            }

            if (same)
            {
                _commands.Get(RecurringSql.SetDeclared).With("$id", definition.Id).With("$declared_at", declaredAt).ExecuteNonQuery();
                outcomes[i] = RecurringUpsertOutcome.Unchanged;
                continue;
            }

            _commands.Get(exists ? RecurringSql.Update : RecurringSql.Insert)
                .With("$id", definition.Id)
                .With("$name", definition.Name)
                .With("$cron", definition.Cron)
                .With("$time_zone", definition.TimeZone)
                .With("$arguments", definition.Arguments)
                .With("$queue", definition.Queue)
                .With("$priority", definition.Priority)
                .With("$misfire", (int)definition.Misfire)
                .With("$max_catch_up", definition.MaxCatchUp)
                .With("$overlap", (int)definition.Overlap)
                .With("$next_run_at", definition.NextRunAt)
                .With("$declared_at", declaredAt)
                .With("$now", request.Now)
                .ExecuteNonQuery();
            outcomes[i] = exists ? RecurringUpsertOutcome.Updated : RecurringUpsertOutcome.Created;
        }

        return outcomes;
    }

    public bool RemoveRecurring(string id) => _commands.Get(RecurringSql.Delete).With("$id", id).ExecuteNonQuery() == 1;

    public bool SetRecurringPaused(RecurringPauseRequest request)
    {
        _commands.Get(RecurringSql.SetPaused)
            .With("$id", request.Id)
            .With("$paused", request.Paused ? 1 : 0)
            .With("$next_run_at", request.NextRunAt)
            .With("$now", request.Now)
            .ExecuteNonQuery();
        return RecurringExists(request.Id);
    }

    public IReadOnlyList<RecurringClaimOutcome> ClaimRecurring(RecurringClaimRequest request)
    {
        var outcomes = new RecurringClaimOutcome[request.Claims.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            RecurringClaim claim = request.Claims[i];
            object? lastJobUnfinished = _commands.Get(RecurringSql.SelectForClaim)
                .With("$id", claim.Id)
                .With("$version", claim.Version)
                .With("$expected", claim.NextRunAt)
                .ExecuteScalar();
            if (lastJobUnfinished is null)
            {
                outcomes[i] = RecurringClaimOutcome.Conflict;
                continue;
            }

            SqliteCommand advance = _commands.Get(RecurringSql.Advance)
                .With("$id", claim.Id)
                .With("$next_run_at", claim.NewNextRunAt);
            if (claim.SkipIfLastJobUnfinished && lastJobUnfinished is 1L)
            {
                advance
                    .With("$last_run_at", (DateTimeOffset?)null)
                    .With("$last_job_id", (object?)null)
                    .With("$skipped_at", claim.Jobs.Count > 0 ? claim.Jobs[^1].RunAt : claim.SkippedAt ?? claim.NextRunAt)
                    .ExecuteNonQuery();
                outcomes[i] = RecurringClaimOutcome.SkippedOverlap;
                continue;
            }

            if (claim.Jobs.Count > 0)
            {
                Enqueue(new EnqueueRequest { Jobs = claim.Jobs, Now = request.Now });
            }

            advance
                .With("$last_run_at", claim.Jobs.Count > 0 ? claim.Jobs[^1].RunAt : null)
                .With("$last_job_id", claim.Jobs.Count > 0 ? StoredJobReader.Format(claim.Jobs[^1].Id.Value) : null)
                .With("$skipped_at", claim.SkippedAt)
                .ExecuteNonQuery();
            outcomes[i] = RecurringClaimOutcome.Claimed;
        }

        return outcomes;
    }

    public bool TriggerRecurring(RecurringTriggerRequest request)
    {
        if (!RecurringExists(request.Id))
        {
            return false;
        }

        Enqueue(new EnqueueRequest { Jobs = [request.Job], Now = request.Now });
        _commands.Get(RecurringSql.SetLastJob)
            .With("$id", request.Id)
            .With("$last_run_at", request.Job.RunAt)
            .With("$last_job_id", request.Job.Id)
            .ExecuteNonQuery();
        return true;
    }

    public IReadOnlyList<bool> DeclareRecurring(RecurringDeclareRequest request)
    {
        var renewed = new bool[request.Ids.Count];
        SqliteCommand command = _commands.Get(RecurringSql.Declare).With("$now", request.Now);
        for (int i = 0; i < renewed.Length; i++)
        {
            renewed[i] = command.With("$id", request.Ids[i]).ExecuteNonQuery() == 1;
        }

        return renewed;
    }

    public IReadOnlyList<string> PruneRecurring(RecurringPruneRequest request)
    {
        SqliteCommand command = _commands.Get(RecurringSql.Prune).With("$declared_before", request.DeclaredBefore).With("$limit", request.Limit);
        var pruned = new List<string>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            pruned.Add(reader.GetString(0));
        }

        return pruned;
    }

    private bool RecurringExists(string id) => _commands.Get(RecurringSql.Exists).With("$id", id).ExecuteScalar() is > 0L;
}
