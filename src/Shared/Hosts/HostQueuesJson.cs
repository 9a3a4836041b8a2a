using System.Buffers;
using System.Text;
using System.Text.Json;
using JobQueue.Storage;

namespace JobQueue.Hosts;

/// <summary>
/// A heartbeat's queue list as the durable stores keep it: one JSON array, <c>[{"q":"mail","c":4,"r":1,"p":false}]</c>,
/// written and read by hand (no reflection, no type named by stored data). Shared by the providers as linked source
/// (src/Shared).
/// </summary>
internal static class HostQueuesJson
{
    public static string Write(IReadOnlyList<HostQueue> queues)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (queues.Count * 48));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (HostQueue queue in queues)
            {
                json.WriteStartObject();
                json.WriteString("q", queue.Queue);
                json.WriteNumber("c", queue.Concurrency);
                json.WriteNumber("r", queue.Running);
                json.WriteBoolean("p", queue.Paused);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The queues of a stored list. A list damaged behind the store's back never fails the read of every host: what
    /// does not read is left out (an entry without a queue name), or read as 0 or false (a count or flag of another type).
    /// </summary>
    public static IReadOnlyList<HostQueue> Read(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return [];
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(stored);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var queues = new List<HostQueue>(document.RootElement.GetArrayLength());
            foreach (JsonElement entry in document.RootElement.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object
                    && entry.TryGetProperty("q", out JsonElement name) && name.ValueKind == JsonValueKind.String)
                {
                    queues.Add(new HostQueue
                    {
                        Queue = name.GetString()!,
                        Concurrency = Number(entry, "c"),
                        Running = Number(entry, "r"),
                        Paused = entry.TryGetProperty("p", out JsonElement paused) && paused.ValueKind == JsonValueKind.True,
                    });
                }
            }

            return queues;
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static int Number(JsonElement entry, string name)
        => entry.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number : 0;
}
