using JobQueue.Storage;
using Npgsql;
using NpgsqlTypes;

namespace JobQueue.Postgres.Storage;

// Recurring jobs. The members that write more than one statement (upsert, claim, trigger) run inside a transaction the
// caller opened (the pooled store's own, or a savepoint of the application's).
internal sealed partial class PostgresJobCommands
{
    public async Task<IReadOnlyList<RecurringUpsertOutcome>> UpsertRecurringAsync(NpgsqlConnection connection, RecurringUpsertRequest request,
        CancellationToken cancellationToken)
    {
        PostgresRecurringSql sql = Sql.Recurring;
        var outcomes = new RecurringUpsertOutcome[request.Jobs.Count];
        DateTimeOffset? declaredAt = request.Declared ? request.Now : null;
        for (int i = 0; i < outcomes.Length; i++)
        {
            RecurringJobDefinition definition = request.Jobs[i];
            while (true)
            {
                bool? same = null;
                await using (var select = new NpgsqlCommand(sql.SelectDefinition, connection))
                {
                    select.Parameters.Add(Text("id", definition.Id));
                    await using NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        same = reader.GetString(0) == definition.Name
                            && reader.GetString(1) == definition.Cron
                            && reader.GetString(2) == definition.TimeZone
                            && reader.GetFieldValue<byte[]>(3).AsSpan().SequenceEqual(definition.Arguments)
                            && (reader.IsDBNull(4) ? null : reader.GetString(4)) == definition.Queue
                            && (reader.IsDBNull(5) ? null : (int?)reader.GetInt32(5)) == definition.Priority
                            && reader.GetInt16(6) == (short)definition.Misfire
                            && reader.GetInt32(7) == definition.MaxCatchUp
                            && reader.GetInt16(8) == (short)definition.Overlap;
                    }
                }

                if (same == true)
                {
                    await using var declare = new NpgsqlCommand(sql.SetDeclared, connection);
                    declare.Parameters.Add(Text("id", definition.Id));
                    declare.Parameters.Add(Time("declared_at", declaredAt));
                    await declare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    outcomes[i] = RecurringUpsertOutcome.Unchanged;
                    break;
                }

                await using var write = new NpgsqlCommand(same is null ? sql.Insert : sql.Update, connection);
                NpgsqlParameterCollection p = write.Parameters;
                p.Add(Text("id", definition.Id));
                p.Add(Text("name", definition.Name));
                p.Add(Text("cron", definition.Cron));
                p.Add(Text("time_zone", definition.TimeZone));
                p.Add(new NpgsqlParameter("arguments", NpgsqlDbType.Bytea) { Value = definition.Arguments });
                p.Add(Text("queue", definition.Queue));
                p.Add(new NpgsqlParameter("priority", NpgsqlDbType.Integer) { Value = (object?)definition.Priority ?? DBNull.Value });
                p.Add(new NpgsqlParameter<short>("misfire", (short)definition.Misfire));
                p.Add(new NpgsqlParameter<int>("max_catch_up", definition.MaxCatchUp));
                p.Add(new NpgsqlParameter<short>("overlap", (short)definition.Overlap));
                p.Add(Time("next_run_at", definition.NextRunAt));
                p.Add(Time("declared_at", declaredAt));
                p.Add(Time("now", request.Now));
                if (await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                {
                    outcomes[i] = same is null ? RecurringUpsertOutcome.Created : RecurringUpsertOutcome.Updated;
                    break;
                }

                // Another host created the schedule between the read and the insert: read it again, now locked.
            }
        }

        return outcomes;
    }

    public async Task<bool> RemoveRecurringAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.Recurring.Delete, connection);
        command.Parameters.Add(Text("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SetRecurringPausedAsync(NpgsqlConnection connection, RecurringPauseRequest request, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.Recurring.SetPaused, connection);
        command.Parameters.Add(Text("id", request.Id));
        command.Parameters.Add(new NpgsqlParameter<bool>("paused", request.Paused));
        command.Parameters.Add(Time("next_run_at", request.NextRunAt));
        command.Parameters.Add(Time("now", request.Now));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<StoredRecurringJob>> GetRecurringAsync(NpgsqlConnection connection, RecurringJobQuery query, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(query.Id is null ? Sql.Recurring.SelectAll : Sql.Recurring.SelectOne, connection);
        if (query.Id is not null)
        {
            command.Parameters.Add(Text("id", query.Id));
        }

        return await ReadRecurringAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RecurringDueJobs> GetDueRecurringAsync(NpgsqlConnection connection, RecurringDueRequest request, CancellationToken cancellationToken)
    {
        await using var due = new NpgsqlCommand(Sql.Recurring.SelectDue, connection);
        due.Parameters.Add(Time("now", request.Now));
        due.Parameters.Add(Text("after", request.AfterId));
        due.Parameters.Add(new NpgsqlParameter<int>("limit", request.Limit));
        List<StoredRecurringJob> jobs = await ReadRecurringAsync(due, cancellationToken).ConfigureAwait(false);
        await using var next = new NpgsqlCommand(Sql.Recurring.NextDue, connection);
        next.Parameters.Add(Time("now", request.Now));
        object? earliest = await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return new RecurringDueJobs
        {
            Jobs = jobs,
            NextDueAt = earliest is DateTime time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : null,
        };
    }

    /// <summary>One claim; the caller runs it in a transaction of its own, so that a conflict or a failure touches no other claim.</summary>
    public async Task<RecurringClaimOutcome> ClaimRecurringAsync(NpgsqlConnection connection, RecurringClaim claim, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        PostgresRecurringSql sql = Sql.Recurring;
        object? lastJobUnfinished;
        await using (var select = new NpgsqlCommand(sql.SelectForClaim, connection))
        {
            select.Parameters.Add(Text("id", claim.Id));
            select.Parameters.Add(new NpgsqlParameter<long>("version", claim.Version));
            select.Parameters.Add(Time("expected", claim.NextRunAt));
            lastJobUnfinished = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        if (lastJobUnfinished is not bool unfinished)
        {
            return RecurringClaimOutcome.Conflict;
        }

        bool skip = claim.SkipIfLastJobUnfinished && unfinished;
        if (!skip && claim.Jobs.Count > 0)
        {
            await EnqueueAsync(connection, new EnqueueRequest { Jobs = claim.Jobs, Now = now }, cancellationToken).ConfigureAwait(false);
        }

        await using var advance = new NpgsqlCommand(sql.Advance, connection);
        advance.Parameters.Add(Text("id", claim.Id));
        advance.Parameters.Add(Time("next_run_at", claim.NewNextRunAt));
        NewJob? last = skip || claim.Jobs.Count == 0 ? null : claim.Jobs[^1];
        advance.Parameters.Add(Time("last_run_at", last?.RunAt));
        advance.Parameters.Add(Uuid("last_job_id", last?.Id.Value));
        DateTimeOffset? skippedAt = skip ? (claim.Jobs.Count > 0 ? claim.Jobs[^1].RunAt : claim.SkippedAt ?? claim.NextRunAt) : claim.SkippedAt;
        advance.Parameters.Add(Time("skipped_at", skippedAt));
        await advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return skip ? RecurringClaimOutcome.SkippedOverlap : RecurringClaimOutcome.Claimed;
    }

    /// <summary>Runs in a transaction: the schedule's row stays locked from the check to the write of its last job.</summary>
    public async Task<bool> TriggerRecurringAsync(NpgsqlConnection connection, RecurringTriggerRequest request, CancellationToken cancellationToken)
    {
        PostgresRecurringSql sql = Sql.Recurring;
        await using (var lockRow = new NpgsqlCommand(sql.LockForTrigger, connection))
        {
            lockRow.Parameters.Add(Text("id", request.Id));
            if (await lockRow.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }
        }

        await EnqueueAsync(connection, new EnqueueRequest { Jobs = [request.Job], Now = request.Now }, cancellationToken).ConfigureAwait(false);
        await using var setLast = new NpgsqlCommand(sql.SetLastJob, connection);
        setLast.Parameters.Add(Text("id", request.Id));
        setLast.Parameters.Add(Time("last_run_at", request.Job.RunAt));
        setLast.Parameters.Add(Uuid("last_job_id", request.Job.Id.Value));
        await setLast.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<bool>> DeclareRecurringAsync(NpgsqlConnection connection, RecurringDeclareRequest request, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.Recurring.Declare, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. request.Ids]));
        command.Parameters.Add(Time("now", request.Now));
        return Answers(request.Ids.Count, await ReadOrdinalsAsync(command, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<string>> PruneRecurringAsync(NpgsqlConnection connection, RecurringPruneRequest request, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.Recurring.Prune, connection);
        command.Parameters.Add(Time("declared_before", request.DeclaredBefore));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", request.Limit));
        var pruned = new List<string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pruned.Add(reader.GetString(0));
        }

        return pruned;
    }

    /// <summary>Reads a row of the recurring columns (see <see cref="PostgresRecurringSql"/>).</summary>
    internal static StoredRecurringJob ReadRecurring(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Cron = reader.GetString(2),
        TimeZone = reader.GetString(3),
        Arguments = reader.GetFieldValue<byte[]>(4),
        Queue = reader.IsDBNull(5) ? null : reader.GetString(5),
        Priority = reader.IsDBNull(6) ? null : reader.GetInt32(6),
        Misfire = (MisfirePolicy)reader.GetInt16(7),
        MaxCatchUp = reader.GetInt32(8),
        Overlap = (OverlapPolicy)reader.GetInt16(9),
        Paused = reader.GetBoolean(10),
        NextRunAt = ReadTime(reader, 11),
        Version = reader.GetInt64(12),
        LastRunAt = ReadOptionalTime(reader, 13),
        LastJobId = reader.IsDBNull(14) ? null : new JobId(reader.GetGuid(14)),
        LastSkippedAt = ReadOptionalTime(reader, 15),
        DeclaredAt = ReadOptionalTime(reader, 16),
        CreatedAt = ReadTime(reader, 17),
        UpdatedAt = ReadTime(reader, 18),
    };

    private static DateTimeOffset? ReadOptionalTime(NpgsqlDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    private static async Task<List<StoredRecurringJob>> ReadRecurringAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<StoredRecurringJob>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(ReadRecurring(reader));
        }

        return jobs;
    }
}
