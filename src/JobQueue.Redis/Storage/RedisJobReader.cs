using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

/// <summary>Turns the scripts' replies back into SPI records, and errors into the JSON the scripts store.</summary>
internal static class RedisJobReader
{
    // The job hash fields ReadJob uses, by position in the array it fills (see JobField).
    private const int JobFieldCount = 23;

    /// <summary>Reads { id, HGETALL, errors } as built by the scripts' read(); null for a missing job.</summary>
    /// <remarks>
    /// Fields are matched on their UTF-8 names and converted straight from the reply's bytes: a fetch reads
    /// every leased job this way, so no dictionary or per-field string is built on the way.
    /// </remarks>
    public static StoredJob? ReadJob(RedisResult value)
    {
        if (value.IsNull)
        {
            return null;
        }

        RedisResult[] parts = (RedisResult[])value!;
        var fields = new RedisValue[JobFieldCount];
        RedisValue[] hash = (RedisValue[])parts[1]!;
        for (int i = 0; i + 1 < hash.Length; i += 2)
        {
            int field = JobField(Bytes(hash[i]));
            if (field >= 0)
            {
                fields[field] = hash[i + 1];
            }
        }

        RedisValue[] errorItems = (RedisValue[])parts[2]!;
        JobError[] errors = errorItems.Length == 0 ? [] : new JobError[errorItems.Length];
        for (int i = 0; i < errors.Length; i++)
        {
            errors[i] = ReadError(errorItems[i]);
        }

        string? percent = Text(fields[14]);

        // Schema 2 keeps the fields no script changes in one, 'o' (see RedisScripts); schema 1 had one field each.
        (int maxAttempts, long timeout, long retryDelay, DateTimeOffset? enqueuedAt) = fields[22].HasValue
            ? ReadOptions(Bytes(fields[22]))
            : (Int(fields[6]), Long(fields[7]), Long(fields[8]), Time(fields[10]));
        return new StoredJob
        {
            Id = JobId.Parse((string)parts[0]!),
            Name = Text(fields[0]) ?? string.Empty,
            Queue = Text(fields[1]) ?? string.Empty,
            State = (JobState)Int(fields[2]),
            Priority = Int(fields[3]),
            Arguments = (byte[]?)fields[4] ?? [],
            Attempt = Int(fields[5]),
            MaxAttempts = maxAttempts,
            Timeout = TimeSpan.FromTicks(timeout),
            RetryDelay = TimeSpan.FromTicks(retryDelay),
            RunAt = Time(fields[9]) ?? default,
            EnqueuedAt = enqueuedAt ?? default,
            StartedAt = Time(fields[11]),
            FinishedAt = Time(fields[12]),
            Result = (byte[]?)fields[13],
            Errors = errors,
            Progress = percent is null ? null : new JobProgress(double.Parse(percent, CultureInfo.InvariantCulture), Text(fields[15])),
            IdempotencyKey = Text(fields[16]),
            BatchId = fields[17].HasValue ? new BatchId(ParseGuid(fields[17])) : null,
            TraceParent = Text(fields[18]),
            LeaseToken = fields[19].HasValue ? ParseGuid(fields[19]) : null,
            LeaseExpiresAt = Time(fields[20]),
            WorkerId = Text(fields[21]),
        };
    }

    /// <summary>Reads a batch hash; null when the batch does not exist (an empty hash).</summary>
    public static StoredBatch? ReadBatch(BatchId id, HashEntry[] hash)
    {
        if (hash.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, RedisValue>(hash.Length, StringComparer.Ordinal);
        foreach (HashEntry entry in hash)
        {
            fields[(string)entry.Name!] = entry.Value;
        }

        return new StoredBatch
        {
            Id = id,
            State = (BatchState)Int(fields.GetValueOrDefault("s")),
            Total = Int(fields.GetValueOrDefault("total")),
            Succeeded = Int(fields.GetValueOrDefault("ok")),
            Failed = Int(fields.GetValueOrDefault("ko")),
            SuccessJobId = Text(fields.GetValueOrDefault("sj")) is string success ? JobId.Parse(success) : null,
            FailureJobId = Text(fields.GetValueOrDefault("fj")) is string failure ? JobId.Parse(failure) : null,
            CreatedAt = Time(fields.GetValueOrDefault("ca")) ?? default,
            FinishedAt = Time(fields.GetValueOrDefault("fa")),
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
            writer.WriteString("at", RedisValues.Ticks(error.At));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
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
    private static (int MaxAttempts, long Timeout, long RetryDelay, DateTimeOffset EnqueuedAt) ReadOptions(ReadOnlySpan<byte> options)
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

    private static JobError ReadError(RedisValue json)
    {
        using var document = JsonDocument.Parse((ReadOnlyMemory<byte>)json);
        JsonElement root = document.RootElement;
        return new JobError
        {
            Type = root.TryGetProperty("t", out JsonElement type) ? type.GetString() ?? string.Empty : string.Empty,
            Message = root.TryGetProperty("m", out JsonElement message) ? message.GetString() ?? string.Empty : string.Empty,
            StackTrace = root.TryGetProperty("s", out JsonElement stack) && stack.ValueKind == JsonValueKind.String ? stack.GetString() : null,
            Attempt = root.TryGetProperty("a", out JsonElement attempt) && attempt.ValueKind == JsonValueKind.Number ? attempt.GetInt32() : 0,
            At = root.TryGetProperty("at", out JsonElement at) && at.GetString() is string ticks
                ? RedisValues.ParseTime(Encoding.UTF8.GetBytes(ticks))
                : default,
        };
    }

    /// <summary>The value's bytes without a copy.</summary>
    private static ReadOnlySpan<byte> Bytes(RedisValue value) => ((ReadOnlyMemory<byte>)value).Span;

    private static string? Text(RedisValue value) => value.HasValue ? (string?)value : null;

    private static long Long(RedisValue value)
    {
        if (!value.HasValue)
        {
            return 0;
        }

        ReadOnlySpan<byte> bytes = Bytes(value);
        return Utf8Parser.TryParse(bytes, out long number, out int used) && used == bytes.Length
            ? number
            : throw new FormatException($"A job field holds '{Encoding.UTF8.GetString(bytes)}' where a number was expected.");
    }

    private static int Int(RedisValue value) => checked((int)Long(value));

    /// <summary>UTC ticks as the scripts store them (<see cref="RedisValues.Ticks"/>).</summary>
    private static DateTimeOffset? Time(RedisValue value) => value.HasValue ? RedisValues.ParseTime(Bytes(value)) : null;

    private static Guid ParseGuid(RedisValue value)
    {
        ReadOnlySpan<byte> bytes = Bytes(value);
        return Utf8Parser.TryParse(bytes, out Guid guid, out int used, 'D') && used == bytes.Length
            ? guid
            : throw new FormatException($"A job field holds '{Encoding.UTF8.GetString(bytes)}' where a Guid was expected.");
    }
}
