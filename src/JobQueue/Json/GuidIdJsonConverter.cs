using System.Text.Json;
using System.Text.Json.Serialization;

namespace JobQueue.Json;

/// <summary>
/// Writes an id that wraps a <see cref="Guid"/> as its plain "D" string, the form its ToString and Parse use, and
/// reads it back, also as a dictionary key: an API that returns a job's id gives "0190a5c2-...", not
/// <c>{"value": "0190a5c2-..."}</c>.
/// </summary>
/// <typeparam name="TId">The id type.</typeparam>
internal abstract class GuidIdJsonConverter<TId> : JsonConverter<TId>
    where TId : struct
{
    /// <summary>What the id names, for errors: "job id".</summary>
    protected abstract string Noun { get; }

    protected abstract TId Create(Guid value);

    protected abstract Guid ValueOf(TId id);

    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A {Noun} is a JSON string such as \"0190a5c2-7e4b-7cc1-9f0e-3b2f6d1e8a90\"; found {reader.TokenType}.");
        }

        return Parse(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
        => writer.WriteStringValue(ValueOf(value));

    public override TId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => Parse(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
        => writer.WritePropertyName(ValueOf(value).ToString("D"));

    private TId Parse(string text)
        => Guid.TryParse(text, out Guid guid)
            ? Create(guid)
            : throw new JsonException($"'{text}' is not a {Noun}: expected a Guid such as 0190a5c2-7e4b-7cc1-9f0e-3b2f6d1e8a90.");
}
