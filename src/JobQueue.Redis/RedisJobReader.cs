using System.Globalization;
using System.Text;
using System.Text.Json;
using JobQueue.Redis.Resp;
using JobQueue.Storage;

namespace JobQueue.Redis;

/// <summary>Turns the scripts' replies back into SPI records, and errors into the JSON the scripts store.</summary>
internal static class RedisJobReader
{
    /// <summary>Reads { id, HGETALL, errors } as built by the scripts' read(); null for a missing job.</summary>
    public static StoredJob? ReadJob(RespValue value)
    {
        if (value.IsNull)
        {
            return null;
        }

        IReadOnlyList<RespValue> parts = value.Items;
        var fields = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        IReadOnlyList<RespValue> hash = parts[1].Items;
        for (int i = 0; i + 1 < hash.Count; i += 2)
        {
            fields[hash[i].AsString()!] = hash[i + 1].Bytes;
        }

        IReadOnlyList<RespValue> errorItems = parts[2].Items;
        var errors = new JobError[errorItems.Count];
        for (int i = 0; i < errors.Length; i++)
        {
            errors[i] = ReadError(errorItems[i].Bytes);
        }

        string? percent = Text(fields, "pp");
        return new StoredJob
        {
            Id = JobId.Parse(parts[0].AsString()!),
            Name = Text(fields, "n") ?? string.Empty,
            Queue = Text(fields, "q") ?? string.Empty,
            State = (JobState)Int(fields, "s"),
            Priority = Int(fields, "pr"),
            Arguments = fields.GetValueOrDefault("a") ?? [],
            Attempt = Int(fields, "at"),
            MaxAttempts = Int(fields, "ma"),
            Timeout = TimeSpan.FromTicks(Long(fields, "to")),
            RetryDelay = TimeSpan.FromTicks(Long(fields, "rd")),
            RunAt = Time(fields, "ra") ?? default,
            EnqueuedAt = Time(fields, "ea") ?? default,
            StartedAt = Time(fields, "sa"),
            FinishedAt = Time(fields, "fa"),
            Result = fields.GetValueOrDefault("r"),
            Errors = errors,
            Progress = percent is null ? null : new JobProgress(double.Parse(percent, CultureInfo.InvariantCulture), Text(fields, "pm")),
            IdempotencyKey = Text(fields, "ik"),
            BatchId = Text(fields, "b") is string batch ? new BatchId(Guid.Parse(batch)) : null,
            TraceParent = Text(fields, "tp"),
            LeaseToken = Text(fields, "lt") is string token ? Guid.Parse(token) : null,
            LeaseExpiresAt = Time(fields, "le"),
            WorkerId = Text(fields, "w"),
        };
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
            writer.WriteString("at", RedisValues.Ticks(error.At));
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
            At = root.TryGetProperty("at", out JsonElement at) && at.GetString() is string ticks ? RedisValues.ParseTime(ticks) : default,
        };
    }

    private static string? Text(Dictionary<string, byte[]> fields, string name)
        => fields.TryGetValue(name, out byte[]? bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static long Long(Dictionary<string, byte[]> fields, string name)
        => Text(fields, name) is string text ? long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;

    private static int Int(Dictionary<string, byte[]> fields, string name) => checked((int)Long(fields, name));

    private static DateTimeOffset? Time(Dictionary<string, byte[]> fields, string name)
        => Text(fields, name) is string ticks ? RedisValues.ParseTime(ticks) : null;
}
