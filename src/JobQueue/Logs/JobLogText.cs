using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace JobQueue.Logs;

/// <summary>
/// The text form of an attempt's lines in the store: a JSON array of objects with fixed fields (t: time, l: level,
/// c: category, m: message). Read field by field, never by a type named in the data; what does not read is skipped.
/// </summary>
internal static class JobLogText
{
    public static string Write(IReadOnlyList<JobLogLine> lines)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (JobLogLine line in lines)
            {
                writer.WriteStartObject();
                writer.WriteString("t", line.Timestamp);
                writer.WriteNumber("l", (int)line.Level);
                writer.WriteString("c", line.Category);
                writer.WriteString("m", line.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyList<JobLogLine> Read(string text)
    {
        var lines = new List<JobLogLine>();
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return lines;
            }

            foreach (JsonElement item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("t", out JsonElement t) && t.TryGetDateTimeOffset(out DateTimeOffset timestamp)
                    && item.TryGetProperty("l", out JsonElement l) && l.TryGetInt32(out int level)
                    && item.TryGetProperty("c", out JsonElement c) && c.ValueKind == JsonValueKind.String
                    && item.TryGetProperty("m", out JsonElement m) && m.ValueKind == JsonValueKind.String)
                {
                    lines.Add(new JobLogLine { Timestamp = timestamp, Level = (LogLevel)level, Category = c.GetString()!, Message = m.GetString()! });
                }
            }
        }
        catch (JsonException)
        {
            // Damaged text shows as no lines rather than failing the read of the job's log.
        }

        return lines;
    }
}
