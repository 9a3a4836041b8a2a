using System.Text.Json;
using JobQueue.Storage;
using Npgsql;

namespace JobQueue.Postgres.Storage;

/// <summary>Reads rows selected with PostgresSql's job columns, and writes values the way those columns expect.</summary>
internal static class JobReader
{
    /// <summary>Reads the current row; the columns are in PostgresSql.JobColumns order.</summary>
    public static StoredJob Read(NpgsqlDataReader reader, out long sequence)
    {
        sequence = reader.GetInt64(24);
        return new StoredJob
        {
            Id = new JobId(reader.GetGuid(0)),
            Name = reader.GetString(1),
            Queue = reader.GetString(2),
            State = (JobState)reader.GetInt16(3),
            Priority = reader.GetInt32(4),
            Arguments = reader.GetFieldValue<byte[]>(5),
            Attempt = reader.GetInt32(6),
            MaxAttempts = reader.GetInt32(7),
            Timeout = TimeSpan.FromTicks(reader.GetInt64(8)),
            RetryDelay = TimeSpan.FromTicks(reader.GetInt64(9)),
            RunAt = Time(reader, 10),
            EnqueuedAt = Time(reader, 11),
            StartedAt = NullableTime(reader, 12),
            FinishedAt = NullableTime(reader, 13),
            Result = reader.IsDBNull(14) ? null : reader.GetFieldValue<byte[]>(14),
            Errors = Errors(reader.GetString(15)),
            Progress = reader.IsDBNull(16) ? null : new JobProgress(reader.GetDouble(16), reader.IsDBNull(17) ? null : reader.GetString(17)),
            IdempotencyKey = reader.IsDBNull(18) ? null : reader.GetString(18),
            BatchId = reader.IsDBNull(19) ? null : new BatchId(reader.GetGuid(19)),
            TraceParent = reader.IsDBNull(20) ? null : reader.GetString(20),
            LeaseToken = reader.IsDBNull(21) ? null : reader.GetGuid(21),
            LeaseExpiresAt = NullableTime(reader, 22),
            WorkerId = reader.IsDBNull(23) ? null : reader.GetString(23),
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

    private static JobError[] Errors(string json)
    {
        // Most rows read (every fetched job on its first attempt) have no error yet: skip the parser for them.
        if (json == "[]")
        {
            return [];
        }

        StoredError[] stored = JsonSerializer.Deserialize(json, StoredErrorJsonContext.Default.StoredErrorArray) ?? [];
        return Array.ConvertAll(stored, e => new JobError
        {
            Type = e.Type,
            Message = e.Message,
            StackTrace = e.StackTrace,
            Attempt = e.Attempt,
            At = e.At.ToUniversalTime(),
        });
    }
}
