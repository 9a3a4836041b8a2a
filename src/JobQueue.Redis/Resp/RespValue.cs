using System.Globalization;
using System.Text;

namespace JobQueue.Redis.Resp;

/// <summary>One parsed RESP2 reply. Errors nested in arrays (script tables, EXEC) stay values; only a top-level error becomes an exception.</summary>
internal sealed class RespValue
{
    public static readonly RespValue Null = new(RespType.Null, null, 0, null, null);

    private readonly string? _text;
    private readonly byte[]? _bytes;
    private readonly RespValue[]? _items;

    private RespValue(RespType type, string? text, long integer, byte[]? bytes, RespValue[]? items)
    {
        Type = type;
        _text = text;
        Integer = integer;
        _bytes = bytes;
        _items = items;
    }

    public RespType Type { get; }

    public long Integer { get; }

    public bool IsNull => Type == RespType.Null;

    public static RespValue SimpleString(string text) => new(RespType.SimpleString, text, 0, null, null);

    public static RespValue Error(string message) => new(RespType.Error, message, 0, null, null);

    public static RespValue FromInteger(long value) => new(RespType.Integer, null, value, null, null);

    public static RespValue Bulk(byte[] bytes) => new(RespType.BulkString, null, 0, bytes, null);

    public static RespValue FromArray(RespValue[] items) => new(RespType.Array, null, 0, null, items);

    /// <summary>The array's items; throws on any other kind, since a reply of the wrong shape is a bug or a protocol mix-up.</summary>
    public IReadOnlyList<RespValue> Items => _items ?? throw Unexpected("an array");

    /// <summary>The raw bytes of a bulk string, or the UTF-8 of a simple string.</summary>
    public byte[] Bytes => Type switch
    {
        RespType.BulkString => _bytes!,
        RespType.SimpleString => Encoding.UTF8.GetBytes(_text!),
        _ => throw Unexpected("a string"),
    };

    /// <summary>The error text of an error reply.</summary>
    public string ErrorMessage => Type == RespType.Error ? _text! : throw Unexpected("an error");

    /// <summary>The value as text: strings decoded as UTF-8, integers formatted; null for a null reply.</summary>
    public string? AsString() => Type switch
    {
        RespType.Null => null,
        RespType.BulkString => Encoding.UTF8.GetString(_bytes!),
        RespType.SimpleString or RespType.Error => _text,
        RespType.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        _ => throw Unexpected("a string"),
    };

    /// <summary>The value as a number: an integer reply, or a string holding one (Lua returns both).</summary>
    public long AsInt64() => Type switch
    {
        RespType.Integer => Integer,
        RespType.BulkString or RespType.SimpleString when long.TryParse(AsString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) => value,
        _ => throw Unexpected("an integer"),
    };

    public override string ToString() => Type switch
    {
        RespType.Array => $"[{string.Join(", ", _items!.Select(static i => i.ToString()))}]",
        RespType.Null => "(nil)",
        RespType.Error => $"(error) {_text}",
        _ => AsString() ?? string.Empty,
    };

    private InvalidOperationException Unexpected(string expected)
        => new($"Redis replied with {Type} where {expected} was expected: {this}");
}
