using System.Globalization;
using System.Text.Json;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite;

/// <summary>Maps a row selected with <see cref="JobSql.JobColumns"/> to a <see cref="StoredJob"/>.</summary>
internal static class StoredJobReader
{
    /// <summary>The ordinal of seq, the enqueue order, last in <see cref="JobSql.JobColumns"/>.</summary>
    public const int SeqOrdinal = 24;

    public static StoredJob Read(SqliteDataReader reader) => new()
    {
        Id = new JobId(Guid.Parse(reader.GetString(0))),
        Name = reader.GetString(1),
        Queue = reader.GetString(2),
        State = (JobState)reader.GetInt32(3),
        Priority = reader.GetInt32(4),
        Arguments = (byte[])reader.GetValue(5),
        Attempt = reader.GetInt32(6),
        MaxAttempts = reader.GetInt32(7),
        Timeout = TimeSpan.FromTicks(reader.GetInt64(8)),
        RetryDelay = TimeSpan.FromTicks(reader.GetInt64(9)),
        RunAt = SqliteTime.FromStored(reader.GetInt64(10)),
        EnqueuedAt = SqliteTime.FromStored(reader.GetInt64(11)),
        StartedAt = ReadTime(reader, 12),
        FinishedAt = ReadTime(reader, 13),
        Result = reader.IsDBNull(14) ? null : (byte[])reader.GetValue(14),
        Errors = ReadErrors(reader.GetString(15)),
        Progress = reader.IsDBNull(16) ? null : new JobProgress(reader.GetDouble(16), reader.IsDBNull(17) ? null : reader.GetString(17)),
        IdempotencyKey = reader.IsDBNull(18) ? null : reader.GetString(18),
        BatchId = reader.IsDBNull(19) ? null : new BatchId(Guid.Parse(reader.GetString(19))),
        TraceParent = reader.IsDBNull(20) ? null : reader.GetString(20),
        LeaseToken = reader.IsDBNull(21) ? null : Guid.Parse(reader.GetString(21)),
        LeaseExpiresAt = ReadTime(reader, 22),
        WorkerId = reader.IsDBNull(23) ? null : reader.GetString(23),
    };

    public static DateTimeOffset? ReadTime(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : SqliteTime.FromStored(reader.GetInt64(ordinal));

    /// <summary>Reads the errors column, written by json_insert in <see cref="JobSql.Fail"/> and <see cref="JobSql.RescueExpired"/>.</summary>
    private static IReadOnlyList<JobError> ReadErrors(string json)
    {
        // The column's default: most jobs never failed, and every fetch reads this column for every job it leases.
        if (json == "[]")
        {
            return [];
        }

        var errors = new List<JobError>();
        using JsonDocument document = JsonDocument.Parse(json);
        foreach (JsonElement error in document.RootElement.EnumerateArray())
        {
            errors.Add(new JobError
            {
                Type = error.GetProperty("type").GetString() ?? string.Empty,
                Message = error.GetProperty("message").GetString() ?? string.Empty,
                StackTrace = error.TryGetProperty("stackTrace", out JsonElement stackTrace) && stackTrace.ValueKind == JsonValueKind.String
                    ? stackTrace.GetString()
                    : null,
                Attempt = error.GetProperty("attempt").GetInt32(),
                At = SqliteTime.FromStored(error.GetProperty("at").GetInt64()),
            });
        }

        return errors;
    }

    public static string Format(Guid value) => value.ToString("D", CultureInfo.InvariantCulture);
}
