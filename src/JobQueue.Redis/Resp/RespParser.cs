using System.Buffers;
using System.Buffers.Text;

namespace JobQueue.Redis.Resp;

/// <summary>
/// Incremental RESP2 parser: reads one whole reply from a buffer that may hold less (wait for more bytes)
/// or more (the next replies) than one reply.
/// </summary>
/// <remarks>
/// A partial reply is looked at again from its start when more bytes arrive instead of keeping a resumable
/// state machine, which cannot get its state wrong. So that a large reply (a bulk enqueue's thousands of ids
/// arrive in many socket reads) is not built again on every read, a first pass only walks the lengths and
/// allocates nothing; values are built once, when the whole reply is there.
/// Every length is bounded, so a malformed or hostile stream fails fast instead of allocating without limit
/// or waiting forever for a reply that can never complete.
/// </remarks>
internal static class RespParser
{
    /// <summary>Redis's own bulk string limit (proto-max-bulk-len default).</summary>
    public const int MaxBulkLength = 512 * 1024 * 1024;

    public const int MaxArrayLength = 16 * 1024 * 1024;

    public const int MaxDepth = 64;

    /// <summary>A simple string, error or integer line longer than this without CRLF cannot be valid.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>
    /// Parses one reply from the start of <paramref name="buffer"/>. Returns false when the buffer holds only
    /// part of a reply; <paramref name="consumed"/> is then the buffer's start.
    /// </summary>
    /// <exception cref="RespProtocolException">The bytes are not RESP2.</exception>
    public static bool TryParse(ReadOnlySequence<byte> buffer, out RespValue value, out SequencePosition consumed)
    {
        var scan = new SequenceReader<byte>(buffer);
        if (!TrySkip(ref scan, 0))
        {
            value = RespValue.Null;
            consumed = buffer.Start;
            return false;
        }

        var reader = new SequenceReader<byte>(buffer.Slice(0, scan.Position));
        if (TryRead(ref reader, 0, out RespValue? parsed))
        {
            value = parsed;
            consumed = reader.Position;
            return true;
        }

        value = RespValue.Null;
        consumed = buffer.Start;
        return false;
    }

    /// <summary>
    /// Walks one reply without building it: true once all of its bytes are in the buffer. Throws on the same
    /// malformed input as <see cref="TryRead"/>, so a hostile length fails here before anything is allocated.
    /// </summary>
    private static bool TrySkip(ref SequenceReader<byte> reader, int depth)
    {
        if (!reader.TryRead(out byte prefix))
        {
            return false;
        }

        switch (prefix)
        {
            case (byte)'+':
            case (byte)'-':
                return TryReadLine(ref reader, out _);

            case (byte)':':
                return TryReadNumber(ref reader, out _);

            case (byte)'$':
                if (!TryReadBulkLength(ref reader, out long length))
                {
                    return false;
                }

                if (length == -1)
                {
                    return true;
                }

                if (reader.Remaining < length + 2)
                {
                    return false;
                }

                reader.Advance(length + 2);
                return true;

            case (byte)'*':
                if (!TryReadArrayCount(ref reader, depth, out long count))
                {
                    return false;
                }

                for (long i = 0; i < count; i++)
                {
                    if (!TrySkip(ref reader, depth + 1))
                    {
                        return false;
                    }
                }

                return true;

            default:
                throw new RespProtocolException($"Unexpected RESP type byte 0x{prefix:X2} ('{(char)prefix}'); expected one of + - : $ *.");
        }
    }

    private static bool TryRead(ref SequenceReader<byte> reader, int depth, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RespValue? value)
    {
        value = null;
        if (!reader.TryRead(out byte prefix))
        {
            return false;
        }

        switch (prefix)
        {
            case (byte)'+':
                if (!TryReadLine(ref reader, out ReadOnlySequence<byte> simple))
                {
                    return false;
                }

                value = RespValue.SimpleString(Utf8(simple));
                return true;

            case (byte)'-':
                if (!TryReadLine(ref reader, out ReadOnlySequence<byte> error))
                {
                    return false;
                }

                value = RespValue.Error(Utf8(error));
                return true;

            case (byte)':':
                if (!TryReadNumber(ref reader, out long integer))
                {
                    return false;
                }

                value = RespValue.FromInteger(integer);
                return true;

            case (byte)'$':
                return TryReadBulk(ref reader, out value);

            case (byte)'*':
                return TryReadArray(ref reader, depth, out value);

            default:
                throw new RespProtocolException($"Unexpected RESP type byte 0x{prefix:X2} ('{(char)prefix}'); expected one of + - : $ *.");
        }
    }

    /// <summary>A bulk string's length line: -1 (null) or a length Redis itself could send.</summary>
    private static bool TryReadBulkLength(ref SequenceReader<byte> reader, out long length)
    {
        if (!TryReadNumber(ref reader, out length))
        {
            return false;
        }

        if (length != -1 && length is < 0 or > MaxBulkLength)
        {
            throw new RespProtocolException($"Invalid bulk string length {length}.");
        }

        return true;
    }

    /// <summary>An array's count line: -1 (null) or a count within bounds, at a nesting depth within bounds.</summary>
    private static bool TryReadArrayCount(ref SequenceReader<byte> reader, int depth, out long count)
    {
        if (!TryReadNumber(ref reader, out count))
        {
            return false;
        }

        if (count == -1)
        {
            return true;
        }

        if (count is < 0 or > MaxArrayLength)
        {
            throw new RespProtocolException($"Invalid array length {count}.");
        }

        if (depth >= MaxDepth)
        {
            throw new RespProtocolException($"Arrays nested deeper than {MaxDepth} levels.");
        }

        return true;
    }

    private static bool TryReadBulk(ref SequenceReader<byte> reader, out RespValue? value)
    {
        value = null;
        if (!TryReadBulkLength(ref reader, out long length))
        {
            return false;
        }

        if (length == -1)
        {
            value = RespValue.Null;
            return true;
        }

        if (reader.Remaining < length + 2)
        {
            return false;
        }

        byte[] bytes = new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RespProtocolException($"A bulk string of {length} bytes is not followed by CRLF.");
        }

        value = RespValue.Bulk(bytes);
        return true;
    }

    private static bool TryReadArray(ref SequenceReader<byte> reader, int depth, out RespValue? value)
    {
        value = null;
        if (!TryReadArrayCount(ref reader, depth, out long count))
        {
            return false;
        }

        if (count == -1)
        {
            value = RespValue.Null;
            return true;
        }

        // Each item takes at least 3 bytes (":0\r\n" or "$-1\r\n" and more), so a count the buffer cannot
        // possibly hold yet waits for bytes before allocating anything.
        if (reader.Remaining < count * 3)
        {
            return false;
        }

        var items = new RespValue[count];
        for (int i = 0; i < items.Length; i++)
        {
            if (!TryRead(ref reader, depth + 1, out RespValue? item))
            {
                return false;
            }

            items[i] = item;
        }

        value = RespValue.FromArray(items);
        return true;
    }

    private static bool TryReadNumber(ref SequenceReader<byte> reader, out long number)
    {
        number = 0;
        if (!TryReadLine(ref reader, out ReadOnlySequence<byte> line))
        {
            return false;
        }

        Span<byte> digits = stackalloc byte[21];
        if (line.Length is 0 or > 20)
        {
            throw new RespProtocolException($"Invalid number line of {line.Length} bytes.");
        }

        line.CopyTo(digits);
        digits = digits[..(int)line.Length];
        if (!Utf8Parser.TryParse(digits, out number, out int used) || used != digits.Length)
        {
            throw new RespProtocolException($"Invalid number '{System.Text.Encoding.ASCII.GetString(digits)}'.");
        }

        return true;
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\r', advancePastDelimiter: true))
        {
            if (reader.Remaining > MaxLineLength)
            {
                throw new RespProtocolException($"A line longer than {MaxLineLength} bytes without CR.");
            }

            return false;
        }

        if (line.Length > MaxLineLength)
        {
            throw new RespProtocolException($"A line longer than {MaxLineLength} bytes.");
        }

        if (!reader.TryPeek(out byte next))
        {
            return false;
        }

        if (next != (byte)'\n')
        {
            throw new RespProtocolException("A CR is not followed by LF.");
        }

        reader.Advance(1);
        return true;
    }

    private static string Utf8(ReadOnlySequence<byte> bytes) => System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, bytes);
}
