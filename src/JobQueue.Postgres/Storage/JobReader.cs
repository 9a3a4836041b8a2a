using System.Text.Json;
using JobQueue.Reading;
using JobQueue.Storage;
using Npgsql;

namespace JobQueue.Postgres.Storage;

/// <summary>Reads rows selected with PostgresSql's job columns, and writes values the way those columns expect.</summary>
internal static class JobReader
{
    /// <summary>Reads the current row; the columns are in PostgresSql.JobColumns order.</summary>
    /// <remarks>
    /// The columns' types keep most damage out (a uuid is always a Guid, a smallint always a number), so what is
    /// checked is what they let in: a state number that is none, a time outside the years .NET holds, error JSON of
    /// the wrong shape. Such a field is described in <see cref="StoredJob.Unreadable"/> and read as its default, so
    /// one damaged row never fails a fetch or a query of other jobs.
    /// </remarks>
    public static StoredJob Read(NpgsqlDataReader reader, out long sequence)
    {
        sequence = reader.GetInt64(24);
        var problems = new UnreadableFields();
        return new StoredJob
        {
            Id = new JobId(reader.GetGuid(0)),
            Name = reader.GetString(1),
            Queue = reader.GetString(2),
            State = problems.State(reader.GetInt16(3), "state"),
            Priority = reader.GetInt32(4),
            Arguments = reader.GetFieldValue<byte[]>(5),
            Attempt = reader.GetInt32(6),
            MaxAttempts = reader.GetInt32(7),
            Timeout = TimeSpan.FromTicks(reader.GetInt64(8)),
            RetryDelay = TimeSpan.FromTicks(reader.GetInt64(9)),
            RunAt = NullableTime(reader, 10, "run_at", ref problems) ?? default,
            EnqueuedAt = NullableTime(reader, 11, "enqueued_at", ref problems) ?? default,
            StartedAt = NullableTime(reader, 12, "started_at", ref problems),
            FinishedAt = NullableTime(reader, 13, "finished_at", ref problems),
            Result = reader.IsDBNull(14) ? null : reader.GetFieldValue<byte[]>(14),
            Errors = Errors(reader.GetString(15), ref problems),
            Progress = reader.IsDBNull(16) ? null : new JobProgress(reader.GetDouble(16), reader.IsDBNull(17) ? null : reader.GetString(17)),
            IdempotencyKey = reader.IsDBNull(18) ? null : reader.GetString(18),
            BatchId = reader.IsDBNull(19) ? null : new BatchId(reader.GetGuid(19)),
            TraceParent = reader.IsDBNull(20) ? null : reader.GetString(20),
            LeaseToken = reader.IsDBNull(21) ? null : reader.GetGuid(21),
            LeaseExpiresAt = NullableTime(reader, 22, "lease_expires_at", ref problems),
            WorkerId = reader.IsDBNull(23) ? null : reader.GetString(23),
            LimitKey = reader.IsDBNull(25) ? null : reader.GetString(25),

            // Last: the initializer runs in order, so every field above has added its problem, if any.
            Unreadable = problems.Description,
        };
    }

    public static StoredBatch ReadBatch(NpgsqlDataReader reader) => new()
    {
        Id = new BatchId(reader.GetGuid(0)),
        State = (BatchState)reader.GetInt16(1),
        Total = reader.GetInt32(2),
        Succeeded = reader.GetInt32(3),
        Failed = reader.GetInt32(4),
        SuccessJobId = reader.IsDBNull(5) ? null : new JobId(reader.GetGuid(5)),
        FailureJobId = reader.IsDBNull(6) ? null : new JobId(reader.GetGuid(6)),
        CreatedAt = Time(reader, 7),
        FinishedAt = NullableTime(reader, 8),
        FailurePolicy = (BatchFailurePolicy)reader.GetInt16(9),
        ParentBatchId = reader.IsDBNull(10) ? null : new BatchId(reader.GetGuid(10)),
    };

    /// <summary>A one-element jsonb array for <c>errors || @error</c>.</summary>
    public static string ErrorJson(JobError error) => JsonSerializer.Serialize(
        [new StoredError(error.Type, error.Message, error.StackTrace, error.Attempt, error.At.ToUniversalTime())],
        StoredErrorJsonContext.Default.StoredErrorArray);

    /// <summary>timestamptz takes only UTC DateTimeOffsets in Npgsql; the instant is what matters.</summary>
    public static DateTime Utc(DateTimeOffset value) => value.UtcDateTime;

    private static DateTimeOffset Time(NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Time(reader, ordinal);

    /// <summary>A time, or null (described) for one outside the years DateTime holds, such as 10000-01-01.</summary>
    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal, string column, ref UnreadableFields problems)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        try
        {
            return Time(reader, ordinal);
        }
        catch (Exception ex) when (UnreadableFields.IsDataError(ex))
        {
            problems.Add(column, ex.Message);
            return null;
        }
    }

    /// <summary>The errors column, element by element: an error that does not read is left out and described.</summary>
    /// <remarks>
    /// jsonb keeps the column valid JSON, and <c>errors || @error</c> appends to any JSON value, so a damaged column
    /// is one of the wrong shape: not an array, or elements that are not errors.
    /// </remarks>
    private static JobError[] Errors(string json, ref UnreadableFields problems)
    {
        // Most rows read (every fetched job on its first attempt) have no error yet: skip the parser for them.
        if (json == "[]")
        {
            return [];
        }

        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
        {
            problems.Add("errors", $"a JSON {root.ValueKind.ToString().ToLowerInvariant()} where an array of errors was expected");
            return [];
        }

        var errors = new List<JobError>(root.GetArrayLength());
        int index = 0;
        foreach (JsonElement element in root.EnumerateArray())
        {
            try
            {
                StoredError stored = element.Deserialize(StoredErrorJsonContext.Default.StoredError)
                    ?? throw new JsonException("null where an error object was expected");

                // Absent properties deserialize to null, whatever the record's annotations say.
                if (stored.Type is null || stored.Message is null)
                {
                    throw new JsonException("an object without the error's type or message");
                }

                errors.Add(new JobError
                {
                    Type = stored.Type,
                    Message = stored.Message,
                    StackTrace = stored.StackTrace,
                    Attempt = stored.Attempt,
                    At = stored.At.ToUniversalTime(),
                });
            }
            catch (JsonException ex)
            {
                problems.Add($"errors[{index}]", ex.Message);
            }

            index++;
        }

        return [.. errors];
    }
}
