using System.Globalization;
using System.Text.Json;
using JobQueue.Reading;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>Maps a row selected with <see cref="JobSql.JobColumns"/> to a <see cref="StoredJob"/>.</summary>
/// <remarks>
/// Field by field: a value that does not read (text where a number belongs, a malformed id or time, corrupt error
/// JSON, an unknown state) is described in <see cref="StoredJob.Unreadable"/> and replaced by its default, so one
/// damaged row never fails a fetch or a query of other jobs. Each value's storage class is checked first: SQLite
/// keeps whatever was written, and would read text in an INTEGER column as 0 without a word.
/// </remarks>
internal static class StoredJobReader
{
    /// <summary>The ordinal of seq, the enqueue order, in <see cref="JobSql.JobColumns"/>.</summary>
    public const int SeqOrdinal = 24;

    /// <summary>The ordinal of limit_key (schema version 7), after seq in <see cref="JobSql.JobColumns"/>.</summary>
    public const int LimitKeyOrdinal = 25;

    public static StoredJob Read(SqliteDataReader reader) => Read(reader, out _);

    /// <param name="reader">On a row selected with <see cref="JobSql.JobColumns"/>.</param>
    /// <param name="hasId">False when the id column does not hold a job id: no statement can name the row by id.</param>
    public static StoredJob Read(SqliteDataReader reader, out bool hasId)
    {
        var row = new Row(reader);
        JobId? id = row.Id(0, "id");
        hasId = id is not null;
        return new StoredJob
        {
            Id = id ?? default,
            Name = row.Text(1, "name") ?? string.Empty,
            Queue = row.Text(2, "queue") ?? string.Empty,
            State = row.State(3, "state"),
            Priority = row.Int32(4, "priority"),
            Arguments = row.Bytes(5, "arguments") ?? [],
            Attempt = row.Int32(6, "attempt"),
            MaxAttempts = row.Int32(7, "max_attempts"),
            Timeout = TimeSpan.FromTicks(row.Integer(8, "timeout_ticks") ?? 0),
            RetryDelay = TimeSpan.FromTicks(row.Integer(9, "retry_delay_ticks") ?? 0),
            RunAt = row.Time(10, "run_at") ?? default,
            EnqueuedAt = row.Time(11, "enqueued_at") ?? default,
            StartedAt = row.Time(12, "started_at", optional: true),
            FinishedAt = row.Time(13, "finished_at", optional: true),
            Result = row.Bytes(14, "result", optional: true),
            Errors = row.Errors(15, "errors"),
            Progress = row.Progress(16, 17),
            IdempotencyKey = row.Text(18, "idempotency_key", optional: true),
            BatchId = row.Guid(19, "batch_id") is { } batchId ? new BatchId(batchId) : null,
            TraceParent = row.Text(20, "trace_parent", optional: true),
            LeaseToken = row.Guid(21, "lease_token"),
            LeaseExpiresAt = row.Time(22, "lease_expires_at", optional: true),
            WorkerId = row.Text(23, "worker_id", optional: true),
            LimitKey = row.Text(LimitKeyOrdinal, "limit_key", optional: true),

            // Last: the initializer runs in order, so every field above has added its problem, if any.
            Unreadable = row.Unreadable,
        };
    }

    public static DateTimeOffset? ReadTime(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : SqliteTime.FromStored(reader.GetInt64(ordinal));

    /// <summary>A job id or batch id as stored: the canonical "D" form of <see cref="Format"/>, nothing else.</summary>
    /// <remarks>
    /// Exactly that form, not whatever <see cref="System.Guid.TryParse(string?, out Guid)"/> accepts: every statement
    /// finds rows by the id's text, so an id in another form (upper case, braces) could be read but never written.
    /// </remarks>
    public static bool TryParseId(string text, out Guid id)
        => System.Guid.TryParseExact(text, "D", out id) && string.Equals(text, Format(id), StringComparison.Ordinal);

    public static string Format(Guid value) => value.ToString("D", CultureInfo.InvariantCulture);

    /// <summary>The columns of one row, each read on its own; what does not read is collected, not thrown.</summary>
    private struct Row(SqliteDataReader reader)
    {
        private UnreadableFields _problems;

        public readonly string? Unreadable => _problems.Description;

        public string? Text(int ordinal, string column, bool optional = false)
        {
            if (IsMissing(ordinal, column, optional))
            {
                return null;
            }

            if (reader.GetFieldType(ordinal) != typeof(string))
            {
                _problems.Add(column, $"holds {Describe(ordinal)} where text was expected");
                return null;
            }

            return reader.GetString(ordinal);
        }

        public long? Integer(int ordinal, string column, bool optional = false)
        {
            if (IsMissing(ordinal, column, optional))
            {
                return null;
            }

            if (reader.GetFieldType(ordinal) != typeof(long))
            {
                _problems.Add(column, $"holds {Describe(ordinal)} where an integer was expected");
                return null;
            }

            return reader.GetInt64(ordinal);
        }

        public int Int32(int ordinal, string column)
        {
            long? value = Integer(ordinal, column);
            if (value is null or (>= int.MinValue and <= int.MaxValue))
            {
                return (int)(value ?? 0);
            }

            _problems.Add(column, $"{value} is out of range");
            return 0;
        }

        public JobState State(int ordinal, string column)
            => Integer(ordinal, column) is { } state ? _problems.State(state, column) : JobState.Failed;

        public DateTimeOffset? Time(int ordinal, string column, bool optional = false)
        {
            long? ticks = Integer(ordinal, column, optional);
            if (ticks is null)
            {
                return null;
            }

            if (SqliteTime.TryFromStored(ticks.Value, out DateTimeOffset time))
            {
                return time;
            }

            _problems.Add(column, $"{ticks} is not a time (ticks since 1970, from year 1 to 9999)");
            return null;
        }

        /// <summary>Arguments and results are bytes to the store: whatever the column holds is read as its bytes.</summary>
        public byte[]? Bytes(int ordinal, string column, bool optional = false)
            => IsMissing(ordinal, column, optional) ? null : reader.GetFieldValue<byte[]>(ordinal);

        public Guid? Guid(int ordinal, string column, bool optional = true)
        {
            string? text = Text(ordinal, column, optional);
            if (text is null)
            {
                return null;
            }

            if (TryParseId(text, out Guid id))
            {
                return id;
            }

            _problems.Add(column, $"'{UnreadableFields.Excerpt(text)}' is not an id (a lowercase Guid such as {Format(System.Guid.Empty)})");
            return null;
        }

        public JobId? Id(int ordinal, string column) => Guid(ordinal, column, optional: false) is { } id ? new JobId(id) : null;

        public JobProgress? Progress(int percentOrdinal, int messageOrdinal)
        {
            if (reader.IsDBNull(percentOrdinal))
            {
                return null;
            }

            // REAL affinity stores a whole number written to it as REAL, but a value may have come in as INTEGER.
            Type type = reader.GetFieldType(percentOrdinal);
            if (type != typeof(double) && type != typeof(long))
            {
                _problems.Add("progress_percent", $"holds {Describe(percentOrdinal)} where a number was expected");
                return null;
            }

            return new JobProgress(reader.GetDouble(percentOrdinal), Text(messageOrdinal, "progress_message", optional: true));
        }

        /// <summary>The errors column, written by json_insert in <see cref="JobSql.Fail"/> and <see cref="JobSql.RescueExpired"/>.</summary>
        /// <remarks>Element by element: an error that does not read is left out and described, the others are kept.</remarks>
        public IReadOnlyList<JobError> Errors(int ordinal, string column)
        {
            string? json = Text(ordinal, column);

            // The column's default: most jobs never failed, and every fetch reads this column for every job it leases.
            if (json is null or "[]")
            {
                return [];
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json);
            }
            catch (JsonException ex)
            {
                _problems.Add(column, $"not JSON ({ex.Message})");
                return [];
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                {
                    _problems.Add(column, $"a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()} where an array of errors was expected");
                    return [];
                }

                var errors = new List<JobError>(document.RootElement.GetArrayLength());
                int index = 0;
                foreach (JsonElement error in document.RootElement.EnumerateArray())
                {
                    try
                    {
                        errors.Add(ReadError(error));
                    }
                    catch (Exception ex) when (UnreadableFields.IsDataError(ex) || ex is InvalidOperationException)
                    {
                        // InvalidOperationException: JsonElement's answer to a value of the wrong kind.
                        _problems.Add($"{column}[{index}]", ex.Message);
                    }

                    index++;
                }

                return errors;
            }
        }

        private static JobError ReadError(JsonElement error)
        {
            long at = error.GetProperty("at").GetInt64();
            return new JobError
            {
                Type = error.GetProperty("type").GetString() ?? string.Empty,
                Message = error.GetProperty("message").GetString() ?? string.Empty,
                StackTrace = error.TryGetProperty("stackTrace", out JsonElement stackTrace) && stackTrace.ValueKind == JsonValueKind.String
                    ? stackTrace.GetString()
                    : null,
                Attempt = error.GetProperty("attempt").GetInt32(),
                At = SqliteTime.TryFromStored(at, out DateTimeOffset time) ? time : throw new FormatException($"{at} is not a time"),
            };
        }

        private bool IsMissing(int ordinal, string column, bool optional)
        {
            if (!reader.IsDBNull(ordinal))
            {
                return false;
            }

            if (!optional)
            {
                _problems.Add(column, "missing (NULL)");
            }

            return true;
        }

        /// <summary>What a value of the wrong storage class is, for the reason: its class and a short excerpt.</summary>
        private readonly string Describe(int ordinal)
        {
            Type type = reader.GetFieldType(ordinal);
            string kind = type == typeof(string) ? "text" : type == typeof(long) ? "an integer" : type == typeof(double) ? "a real" : "a blob";
            return type == typeof(byte[]) ? kind : $"{kind} '{UnreadableFields.Excerpt(reader.GetString(ordinal))}'";
        }
    }
}
