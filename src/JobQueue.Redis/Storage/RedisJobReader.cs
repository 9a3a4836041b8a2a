using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JobQueue.Reading;
using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

/// <summary>Turns the scripts' replies back into SPI records, and errors into the JSON the scripts store.</summary>
internal static class RedisJobReader
{
    // The job hash fields ReadJob uses, by position in the array it fills (see JobField).
    private const int JobFieldCount = 20;

    /// <summary>Reads { id, HGETALL, errors } as built by the scripts' read(); null for a missing job.</summary>
    public static StoredJob? ReadJob(RedisResult value) => ReadJob(value, out _);

    /// <summary>Reads { id, HGETALL, errors } as built by the scripts' read(); null for a missing job.</summary>
    /// <param name="value">The reply of one job.</param>
    /// <param name="hasId">False when the id does not parse: no script can be given it as a job's id.</param>
    /// <remarks>
    /// <para>Fields are matched on their UTF-8 names and converted straight from the reply's bytes: a fetch reads
    /// every leased job this way, so no dictionary or per-field string is built on the way.</para>
    /// <para>Every field is text to Redis, so any may be damaged (an HSET by hand, a broken tool): one that does not
    /// read is described in <see cref="StoredJob.Unreadable"/> and read as its default, so one damaged hash never
    /// fails a fetch or a query of other jobs.</para>
    /// </remarks>
    /// <param name="leasedBy">For a fetch's reply: the request whose lease the script wrote. Its start, token, expiry and
    /// worker are the job's, so the script does not send them back.</param>
    public static StoredJob? ReadJob(RedisResult value, out bool hasId, FetchRequest? leasedBy = null)
    {
        hasId = false;
        if (value.IsNull)
        {
            return null;
        }

        RedisResult[] parts = (RedisResult[])value!;
        var fields = new RedisValue[JobFieldCount];
        RedisValue[] hash = (RedisValue[])parts[1]!;
        // A field may come twice: a fetch appends the state and attempt it wrote to the hash it read, and the later
        // value is the current one.
        for (int i = 0; i + 1 < hash.Length; i += 2)
        {
            int field = JobField(Bytes(hash[i]));
            if (field >= 0)
            {
                fields[field] = hash[i + 1];
            }
        }

        var problems = new UnreadableFields();
        string id = (string)parts[0]!;
        hasId = TryParseId(id, out JobId jobId);
        if (!hasId)
        {
            problems.Add("id", $"'{UnreadableFields.Excerpt(id)}' is not a job id");
        }

        // Most jobs read (every fetched job on its first attempt) have no error: no list is made for them.
        RedisValue[] errorItems = (RedisValue[])parts[2]!;
        List<JobError>? errors = errorItems.Length == 0 ? null : new List<JobError>(errorItems.Length);
        for (int i = 0; i < errorItems.Length; i++)
        {
            try
            {
                errors!.Add(ReadError(errorItems[i]));
            }
            catch (Exception ex) when (UnreadableFields.IsDataError(ex) || ex is InvalidOperationException)
            {
                // InvalidOperationException: JsonElement's answer to a value of the wrong kind.
                problems.Add($"errors[{i}]", ex.Message);
            }
        }

        // The fields no script changes are kept in one, 'o' (see RedisScripts).
        (int maxAttempts, long timeout, long retryDelay, DateTimeOffset? enqueuedAt) = fields[18].HasValue
            ? ReadOptions(fields[18], ref problems)
            : Missing<(int, long, long, DateTimeOffset?)>((0, 0, 0, null), "o (options)", ref problems);
        return new StoredJob
        {
            Id = jobId,
            Name = Required(fields[0], "n (name)", ref problems),
            Queue = Required(fields[1], "q (queue)", ref problems),
            State = fields[2].HasValue ? problems.State(Long(fields[2], "s (state)", ref problems, fallback: (long)JobState.Failed), "s (state)") : Missing(JobState.Failed, "s (state)", ref problems),
            Priority = Int(fields[3], "pr (priority)", ref problems),
            Arguments = (byte[]?)fields[4] ?? Missing<byte[]>([], "a (arguments)", ref problems),
            Attempt = Int(fields[5], "at (attempt)", ref problems),
            MaxAttempts = maxAttempts,
            Timeout = TimeSpan.FromTicks(timeout),
            RetryDelay = TimeSpan.FromTicks(retryDelay),
            RunAt = Time(fields[6], "ra (run at)", ref problems) ?? default,
            EnqueuedAt = enqueuedAt ?? default,
            StartedAt = leasedBy is null ? Time(fields[7], "sa (started at)", ref problems) : leasedBy.Now.ToUniversalTime(),
            FinishedAt = Time(fields[8], "fa (finished at)", ref problems),
            Result = (byte[]?)fields[9],
            Errors = errors is null or { Count: 0 } ? [] : errors,
            Progress = Progress(fields[10], fields[11], ref problems),
            IdempotencyKey = Text(fields[12]),
            LimitKey = Text(fields[19]),
            BatchId = Guid(fields[13], "b (batch)", ref problems) is { } batchId ? new BatchId(batchId) : null,
            TraceParent = Text(fields[14]),
            LeaseToken = leasedBy is null ? Guid(fields[15], "lt (lease token)", ref problems) : leasedBy.LeaseToken,
            LeaseExpiresAt = leasedBy is null ? Time(fields[16], "le (lease expiry)", ref problems) : leasedBy.LeaseExpiresAt.ToUniversalTime(),
            WorkerId = leasedBy is null ? Text(fields[17]) : leasedBy.WorkerId,

            // Last: the initializer runs in order, so every field above has added its problem, if any.
            Unreadable = problems.Description,
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
            FailurePolicy = (BatchFailurePolicy)Int(fields.GetValueOrDefault("fp")),
            ParentBatchId = Text(fields.GetValueOrDefault("pb")) is string parent ? BatchId.Parse(parent) : null,
        };
    }

    /// <summary>A job id as the keys hold it: the canonical "D" form scripts are given, nothing else.</summary>
    /// <remarks>
    /// Exactly that form, not whatever <see cref="JobId.TryParse"/> accepts: scripts build key names from the id's
    /// text, so an id in another form (upper case, braces) could be read but never written.
    /// </remarks>
    public static bool TryParseId(string text, out JobId id)
    {
        if (System.Guid.TryParseExact(text, "D", out Guid guid) && string.Equals(text, guid.ToString("D"), StringComparison.Ordinal))
        {
            id = new JobId(guid);
            return true;
        }

        id = default;
        return false;
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
            (byte)'o' => 18,
            (byte)'q' => 1,
            (byte)'s' => 2,
            (byte)'a' => 4,
            (byte)'r' => 9,
            (byte)'b' => 13,
            (byte)'w' => 17,
            _ => -1,
        },
        2 when name.SequenceEqual("pr"u8) => 3,
        2 when name.SequenceEqual("at"u8) => 5,
        2 when name.SequenceEqual("ra"u8) => 6,
        2 when name.SequenceEqual("sa"u8) => 7,
        2 when name.SequenceEqual("fa"u8) => 8,
        2 when name.SequenceEqual("pp"u8) => 10,
        2 when name.SequenceEqual("pm"u8) => 11,
        2 when name.SequenceEqual("ik"u8) => 12,
        2 when name.SequenceEqual("tp"u8) => 14,
        2 when name.SequenceEqual("lt"u8) => 15,
        2 when name.SequenceEqual("le"u8) => 16,
        2 when name.SequenceEqual("lk"u8) => 19,
        _ => -1,
    };

    /// <summary>'o': "maxAttempts:timeoutTicks:retryDelayTicks:enqueuedAtTicks"; all four default when it does not read.</summary>
    private static (int MaxAttempts, long Timeout, long RetryDelay, DateTimeOffset? EnqueuedAt) ReadOptions(RedisValue value, ref UnreadableFields problems)
    {
        ReadOnlySpan<byte> options = Bytes(value);
        ReadOnlySpan<byte> rest = options;
        Span<long> values = stackalloc long[4];
        for (int i = 0; i < values.Length; i++)
        {
            int end = i < values.Length - 1 ? rest.IndexOf((byte)':') : rest.Length;
            if (end < 0 || !Utf8Parser.TryParse(rest[..end], out values[i], out int used) || used != end)
            {
                problems.Add("o (options)", $"'{UnreadableFields.Excerpt(Encoding.UTF8.GetString(options))}' where four numbers separated by ':' were expected");
                return (0, 0, 0, null);
            }

            rest = i < values.Length - 1 ? rest[(end + 1)..] : [];
        }

        if (values[0] is < int.MinValue or > int.MaxValue || values[3] is < 0 or > 3155378975999999999)
        {
            problems.Add("o (options)", $"'{UnreadableFields.Excerpt(Encoding.UTF8.GetString(options))}' holds a maximum attempts or an enqueue time out of range");
            return (0, 0, 0, null);
        }

        return ((int)values[0], values[1], values[2], new DateTimeOffset(values[3], TimeSpan.Zero));
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

    // Batches are read strictly: a damaged batch hash throws from GetBatchAsync (only jobs are read field by field).
    private static long Long(RedisValue value)
    {
        if (!value.HasValue)
        {
            return 0;
        }

        ReadOnlySpan<byte> bytes = Bytes(value);
        return Utf8Parser.TryParse(bytes, out long number, out int used) && used == bytes.Length
            ? number
            : throw new FormatException($"A batch field holds '{Encoding.UTF8.GetString(bytes)}' where a number was expected.");
    }

    private static int Int(RedisValue value) => checked((int)Long(value));

    private static DateTimeOffset? Time(RedisValue value) => value.HasValue ? RedisValues.ParseTime(Bytes(value)) : null;

    private static string Required(RedisValue value, string field, ref UnreadableFields problems)
        => value.HasValue ? (string)value! : Missing(string.Empty, field, ref problems);

    private static T Missing<T>(T fallback, string field, ref UnreadableFields problems)
    {
        problems.Add(field, "missing");
        return fallback;
    }

    private static long Long(RedisValue value, string field, ref UnreadableFields problems, long fallback = 0)
    {
        if (!value.HasValue)
        {
            return 0;
        }

        ReadOnlySpan<byte> bytes = Bytes(value);
        if (Utf8Parser.TryParse(bytes, out long number, out int used) && used == bytes.Length)
        {
            return number;
        }

        problems.Add(field, $"'{UnreadableFields.Excerpt(Encoding.UTF8.GetString(bytes))}' where a whole number was expected");
        return fallback;
    }

    private static int Int(RedisValue value, string field, ref UnreadableFields problems)
    {
        long number = Long(value, field, ref problems);
        if (number is >= int.MinValue and <= int.MaxValue)
        {
            return (int)number;
        }

        problems.Add(field, $"{number} is out of range");
        return 0;
    }

    /// <summary>UTC ticks as the scripts store them (<see cref="RedisValues.Ticks"/>).</summary>
    private static DateTimeOffset? Time(RedisValue value, string field, ref UnreadableFields problems)
    {
        if (!value.HasValue)
        {
            return null;
        }

        try
        {
            return RedisValues.ParseTime(Bytes(value));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException)
        {
            problems.Add(field, ex.Message);
            return null;
        }
    }

    private static Guid? Guid(RedisValue value, string field, ref UnreadableFields problems)
    {
        if (!value.HasValue)
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = Bytes(value);
        if (Utf8Parser.TryParse(bytes, out Guid guid, out int used, 'D') && used == bytes.Length)
        {
            return guid;
        }

        problems.Add(field, $"'{UnreadableFields.Excerpt(Encoding.UTF8.GetString(bytes))}' is not an id (a Guid such as {System.Guid.Empty})");
        return null;
    }

    private static JobProgress? Progress(RedisValue percent, RedisValue message, ref UnreadableFields problems)
    {
        if (!percent.HasValue)
        {
            return null;
        }

        string text = (string)percent!;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return new JobProgress(value, Text(message));
        }

        problems.Add("pp (progress)", $"'{UnreadableFields.Excerpt(text)}' where a number was expected");
        return null;
    }
}
