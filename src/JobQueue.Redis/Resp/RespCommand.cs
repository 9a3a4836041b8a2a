using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace JobQueue.Redis.Resp;

/// <summary>
/// One command, encoded once as a RESP array of bulk strings when built, so the connection's writer only
/// copies bytes and many callers' commands can be written back to back.
/// </summary>
internal sealed class RespCommand
{
    private readonly ArrayBufferWriter<byte> _body = new(64);
    private int _count;

    public RespCommand(string name)
    {
        Name = name;
        Add(name);
    }

    /// <summary>An argument list without a command name, appended to a command later with <see cref="Add(RespCommand)"/>.</summary>
    public RespCommand()
    {
        Name = string.Empty;
    }

    /// <summary>The command's name, for error messages.</summary>
    public string Name { get; }

    public int ArgumentCount => _count;

    public RespCommand Add(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteHeader(length);
        Span<byte> span = _body.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(value, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        _body.Advance(length + 2);
        return this;
    }

    public RespCommand Add(ReadOnlySpan<byte> value)
    {
        WriteHeader(value.Length);
        Span<byte> span = _body.GetSpan(value.Length + 2);
        value.CopyTo(span);
        span[value.Length] = (byte)'\r';
        span[value.Length + 1] = (byte)'\n';
        _body.Advance(value.Length + 2);
        return this;
    }

    /// <summary>Appends the arguments of <paramref name="arguments"/>, built without a name.</summary>
    public RespCommand Add(RespCommand arguments)
    {
        _count += arguments._count;
        _body.Write(arguments._body.WrittenSpan);
        return this;
    }

    public RespCommand Add(long value) => Add(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Writes the whole command: the array header, then the arguments encoded so far.</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        Span<byte> header = writer.GetSpan(24);
        header[0] = (byte)'*';
        Utf8Formatter.TryFormat(_count, header[1..], out int written);
        header[written + 1] = (byte)'\r';
        header[written + 2] = (byte)'\n';
        writer.Advance(written + 3);
        writer.Write(_body.WrittenSpan);
    }

    /// <summary>The encoded command as bytes, for tests.</summary>
    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteHeader(int length)
    {
        _count++;
        Span<byte> span = _body.GetSpan(24);
        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(length, span[1..], out int written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        _body.Advance(written + 3);
    }
}
