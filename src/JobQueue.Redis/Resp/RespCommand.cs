using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace JobQueue.Redis.Resp;

/// <summary>
/// One command, encoded once as a RESP array of bulk strings when built, so the connection's writer only
/// copies bytes and many callers' commands can be written back to back.
/// </summary>
internal sealed class RespCommand
{
    private readonly ArrayBufferWriter<byte> _body;
    private int _count;

    // Arguments appended by reference (a script's arguments after EVALSHA, its SHA1 and its keys): written
    // after this command's own, never copied, so a retry with EVAL reuses them as they are.
    private RespCommand? _tail;

    public RespCommand(string name)
    {
        _body = new ArrayBufferWriter<byte>(64);
        Name = name;
        Add(name);
    }

    /// <summary>An argument list without a command name, appended to a command later with <see cref="Add(RespCommand)"/>.</summary>
    public RespCommand()
    {
        // Argument lists are a script's: a few hundred bytes for one job, so start past the smallest sizes.
        _body = new ArrayBufferWriter<byte>(512);
        Name = string.Empty;
    }

    /// <summary>The command's name, for error messages.</summary>
    public string Name { get; }

    public int ArgumentCount => _count + (_tail?._count ?? 0);

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

    /// <summary>
    /// Appends the arguments of <paramref name="arguments"/>, built without a name, by reference (they are not
    /// copied, so they must not change afterwards). Nothing can be added after them.
    /// </summary>
    public RespCommand Add(RespCommand arguments)
    {
        if (_tail is not null || arguments._tail is not null)
        {
            throw new InvalidOperationException("A command takes one argument list, as its last part.");
        }

        _tail = arguments;
        return this;
    }

    public RespCommand Add(long value) => AddFormatted(value, default);

    /// <summary>A number zero-padded to <paramref name="digits"/> digits, written without an intermediate string.</summary>
    public RespCommand AddPadded(long value, byte digits) => AddFormatted(value, new StandardFormat('D', digits));

    /// <summary>A Guid in its canonical "D" form, written without an intermediate string.</summary>
    public RespCommand Add(Guid value)
    {
        WriteHeader(36);
        Span<byte> span = _body.GetSpan(38);
        Utf8Formatter.TryFormat(value, span, out _, 'D');
        span[36] = (byte)'\r';
        span[37] = (byte)'\n';
        _body.Advance(38);
        return this;
    }

    /// <summary>Writes the whole command: the array header, then the arguments encoded so far.</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        Span<byte> header = writer.GetSpan(24);
        header[0] = (byte)'*';
        Utf8Formatter.TryFormat(ArgumentCount, header[1..], out int written);
        header[written + 1] = (byte)'\r';
        header[written + 2] = (byte)'\n';
        writer.Advance(written + 3);
        writer.Write(_body.WrittenSpan);
        if (_tail is not null)
        {
            writer.Write(_tail._body.WrittenSpan);
        }
    }

    /// <summary>The encoded command as bytes, for tests.</summary>
    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private RespCommand AddFormatted(long value, StandardFormat format)
    {
        Span<byte> digits = stackalloc byte[24];
        Utf8Formatter.TryFormat(value, digits, out int length, format);
        return Add(digits[..length]);
    }

    private void WriteHeader(int length)
    {
        if (_tail is not null)
        {
            throw new InvalidOperationException("The argument list appended with Add(RespCommand) must be the command's last part.");
        }

        _count++;
        Span<byte> span = _body.GetSpan(24);
        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(length, span[1..], out int written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        _body.Advance(written + 3);
    }
}
