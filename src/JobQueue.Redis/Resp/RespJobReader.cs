using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JobQueue.Storage;

namespace JobQueue.Redis.Resp;

/// <summary>Turns the scripts' replies back into SPI records, and errors into the JSON the scripts store.</summary>
internal static class RespJobReader
{
    // The job hash fields ReadJob uses, by position in the array it fills (see JobField).
    private const int JobFieldCount = 23;

    /// <summary>Reads { id, HGETALL, errors } as built by the scripts' read(); null for a missing job.</summary>
    /// <remarks>
    /// Fields are matched on their UTF-8 names and converted straight from the reply's bytes: a fetch reads
    /// every leased job this way, so no dictionary or per-field string is built on the way.
    /// </remarks>
    public static StoredJob? ReadJob(RespValue value)
    {
        if (value.IsNull)
        {
            return null;
        }

        IReadOnlyList<RespValue> parts = value.Items;
        var fields = new byte[]?[JobFieldCount];
        IReadOnlyList<RespValue> hash = parts[1].Items;
        for (int i = 0; i + 1 < hash.Count; i += 2)
        {
            int field = JobField(hash[i].Bytes);
            if (field >= 0)
            {
                fields[field] = hash[i + 1].Bytes;
            }
        }

        IReadOnlyList<RespValue> errorItems = parts[2].Items;
        JobError[] errors = errorItems.Count == 0 ? [] : new JobError[errorItems.Count];
        for (int i = 0; i < errors.Length; i++)
        {
            errors[i] = ReadError(errorItems[i].Bytes);
        }

        string? percent = Text(fields[14]);

        // Schema 2 keeps the fields no script changes in one, 'o' (see RedisScripts); schema 1 had one field each.
        (int maxAttempts, long timeout, long retryDelay, DateTimeOffset? enqueuedAt) = fields[22] is byte[] options
            ? ReadOptions(options)
            : (Int(fields[6]), Long(fields[7]), Long(fields[8]), Time(fields[10]));
        return new StoredJob
        {
            Id = JobId.Parse(parts[0].AsString()!),
            Name = Text(fields[0]) ?? string.Empty,
            Queue = Text(fields[1]) ?? string.Empty,
            State = (JobState)Int(fields[2]),
            Priority = Int(fields[3]),
            Arguments = fields[4] ?? [],
            Attempt = Int(fields[5]),
            MaxAttempts = maxAttempts,
            Timeout = TimeSpan.FromTicks(timeout),
            RetryDelay = TimeSpan.FromTicks(retryDelay),
            RunAt = Time(fields[9]) ?? default,
            EnqueuedAt = enqueuedAt ?? default,
            StartedAt = Time(fields[11]),
            FinishedAt = Time(fields[12]),
            Result = fields[13],
            Errors = errors,
            Progress = percent is null ? null : new JobProgress(double.Parse(percent, CultureInfo.InvariantCulture), Text(fields[15])),
            IdempotencyKey = Text(fields[16]),
            BatchId = fields[17] is byte[] batch ? new BatchId(ParseGuid(batch)) : null,
            TraceParent = Text(fields[18]),
            LeaseToken = fields[19] is byte[] token ? ParseGuid(token) : null,
            LeaseExpiresAt = Time(fields[20]),
            WorkerId = Text(fields[21]),
        };
    }

    /// <summary>The position of a job hash field in ReadJob's array, or -1 for a field it does not use (seq, child).</summary>
    private static int JobField(ReadOnlySpan<byte> name) => name.Length switch
    {
        1 => name[0] switch
        {
            (byte)'n' => 0,
            (byte)'o' => 22,
            (byte)'q' => 1,
            (byte)'s' => 2,
            (byte)'a' => 4,
            (byte)'r' => 13,
            (byte)'b' => 17,
            (byte)'w' => 21,
            _ => -1,
        },
        2 when name.SequenceEqual("pr"u8) => 3,
        2 when name.SequenceEqual("at"u8) => 5,
        2 when name.SequenceEqual("ma"u8) => 6,
        2 when name.SequenceEqual("to"u8) => 7,
        2 when name.SequenceEqual("rd"u8) => 8,
        2 when name.SequenceEqual("ra"u8) => 9,
        2 when name.SequenceEqual("ea"u8) => 10,
        2 when name.SequenceEqual("sa"u8) => 11,
        2 when name.SequenceEqual("fa"u8) => 12,
        2 when name.SequenceEqual("pp"u8) => 14,
        2 when name.SequenceEqual("pm"u8) => 15,
        2 when name.SequenceEqual("ik"u8) => 16,
        2 when name.SequenceEqual("tp"u8) => 18,
        2 when name.SequenceEqual("lt"u8) => 19,
        2 when name.SequenceEqual("le"u8) => 20,
        _ => -1,
    };

    /// <summary>Schema 2's 'o': "maxAttempts:timeoutTicks:retryDelayTicks:enqueuedAtTicks".</summary>
    private static (int MaxAttempts, long Timeout, long RetryDelay, DateTimeOffset EnqueuedAt) ReadOptions(byte[] options)
    {
        ReadOnlySpan<byte> rest = options;
        Span<long> values = stackalloc long[4];
        for (int i = 0; i < values.Length; i++)
        {
            int end = i < values.Length - 1 ? rest.IndexOf((byte)':') : rest.Length;
            if (end < 0 || !Utf8Parser.TryParse(rest[..end], out values[i], out int used) || used != end)
            {
                throw new FormatException($"A job's 'o' field holds '{Encoding.UTF8.GetString(options)}' where four numbers separated by ':' were expected.");
            }

            rest = i < values.Length - 1 ? rest[(end + 1)..] : [];
        }

        return (checked((int)values[0]), values[1], values[2], new DateTimeOffset(values[3], TimeSpan.Zero));
    }

    public static StoredBatch? ReadBatch(BatchId id, RespValue hash)
    {
        IReadOnlyList<RespValue> items = hash.Items;
        if (items.Count == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            fields[items[i].AsString()!] = items[i + 1].Bytes;
        }

        return new StoredBatch
        {
            Id = id,
            State = (BatchState)Int(fields, "s"),
            Total = Int(fields, "total"),
            Succeeded = Int(fields, "ok"),
            Failed = Int(fields, "ko"),
            SuccessJobId = Text(fields, "sj") is string success ? JobId.Parse(success) : null,
            FailureJobId = Text(fields, "fj") is string failure ? JobId.Parse(failure) : null,
            CreatedAt = Time(fields, "ca") ?? default,
            FinishedAt = Time(fields, "fa"),
        };
    }

    /// <summary>The error JSON; its shape matches what the rescue script writes with cjson.</summary>
    public static byte[] WriteError(JobError error)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("t", error.Type);
            writer.WriteString("m", error.Message);
            if (error.StackTrace is not null)
            {
                writer.WriteString("s", error.StackTrace);
            }

            writer.WriteNumber("a", error.Attempt);
            writer.WriteString("at", RespValues.Ticks(error.At));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static JobError ReadError(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        return new JobError
        {
            Type = root.TryGetProperty("t", out JsonElement type) ? type.GetString() ?? string.Empty : string.Empty,
            Message = root.TryGetProperty("m", out JsonElement message) ? message.GetString() ?? string.Empty : string.Empty,
            StackTrace = root.TryGetProperty("s", out JsonElement stack) && stack.ValueKind == JsonValueKind.String ? stack.GetString() : null,
            Attempt = root.TryGetProperty("a", out JsonElement attempt) && attempt.ValueKind == JsonValueKind.Number ? attempt.GetInt32() : 0,
            At = root.TryGetProperty("at", out JsonElement at) && at.GetString() is string ticks ? RespValues.ParseTime(ticks) : default,
        };
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    private static long Long(byte[]? bytes)
    {
        if (bytes is null)
        {
            return 0;
        }

        return Utf8Parser.TryParse(bytes, out long value, out int used) && used == bytes.Length
            ? value
            : throw new FormatException($"A job field holds '{Encoding.UTF8.GetString(bytes)}' where a number was expected.");
    }

    private static int Int(byte[]? bytes) => checked((int)Long(bytes));

    /// <summary>UTC ticks as the scripts store them (<see cref="RespValues.Ticks"/>).</summary>
    private static DateTimeOffset? Time(byte[]? bytes) => bytes is null ? null : new DateTimeOffset(Long(bytes), TimeSpan.Zero);

    private static Guid ParseGuid(byte[] bytes)
        => Utf8Parser.TryParse(bytes, out Guid value, out int used, 'D') && used == bytes.Length
            ? value
            : throw new FormatException($"A job field holds '{Encoding.UTF8.GetString(bytes)}' where a Guid was expected.");

    private static string? Text(Dictionary<string, byte[]> fields, string name)
        => fields.TryGetValue(name, out byte[]? bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static long Long(Dictionary<string, byte[]> fields, string name)
        => Text(fields, name) is string text ? long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;

    private static int Int(Dictionary<string, byte[]> fields, string name) => checked((int)Long(fields, name));

    private static DateTimeOffset? Time(Dictionary<string, byte[]> fields, string name)
        => Text(fields, name) is string ticks ? RespValues.ParseTime(ticks) : null;
}
