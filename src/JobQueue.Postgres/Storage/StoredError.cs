using System.Text.Json.Serialization;

namespace JobQueue.Postgres.Storage;

/// <summary>One element of the jobs.errors jsonb array; the names match what RescueOne builds in SQL.</summary>
internal sealed record StoredError(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("stackTrace")] string? StackTrace,
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("at")] DateTimeOffset At);

[JsonSerializable(typeof(StoredError))]
[JsonSerializable(typeof(StoredError[]))]
internal sealed partial class StoredErrorJsonContext : JsonSerializerContext;
