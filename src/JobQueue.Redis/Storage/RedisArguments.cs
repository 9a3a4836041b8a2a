using System.Buffers.Text;
using System.Diagnostics;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

/// <summary>
/// The ARGV of one script call, built in place. Numbers go in as integers (StackExchange.Redis formats them as it
/// writes); padded times and ids are formatted into one shared buffer and passed as slices of it, so a call allocates
/// a buffer and the argument array instead of a string per value.
/// </summary>
internal sealed class RedisArguments
{
    // Enough for a few dozen padded times and ids; a large request grows it in chunks (see Reserve).
    private const int MinimumChunk = 256;

    private readonly RedisValue[] _values;
    private byte[] _chunk;
    private int _chunkUsed;
    private int _count;

    /// <param name="count">Exactly how many arguments the call takes: the array goes to the client as it is.</param>
    /// <param name="formattedBytes">An estimate of the bytes of padded times and ids to come, to size the buffer.</param>
    public RedisArguments(int count, int formattedBytes = MinimumChunk)
    {
        _values = count == 0 ? [] : new RedisValue[count];
        _chunk = new byte[Math.Max(formattedBytes, MinimumChunk)];
    }

    public RedisArguments Add(string value) => Append(value);

    public RedisArguments Add(byte[] value) => Append(value);

    public RedisArguments Add(long value) => Append(value);

    /// <summary>A time as 19-digit zero-padded UTC ticks (see <see cref="RedisValues.Ticks"/>).</summary>
    public RedisArguments AddTicks(DateTimeOffset value)
    {
        Span<byte> span = Reserve(RedisValues.TicksDigits);
        bool formatted = Utf8Formatter.TryFormat(value.UtcTicks, span, out int written, new System.Buffers.StandardFormat('D', RedisValues.TicksDigits));
        Debug.Assert(formatted && written == RedisValues.TicksDigits, "Non-negative ticks are 19 digits at most.");
        return Commit(written);
    }

    /// <summary>A time as a zset score (see <see cref="RedisValues.Score"/>).</summary>
    public RedisArguments AddScore(DateTimeOffset value) => Append(RedisValues.Score(value));

    /// <summary>A Guid in its canonical "D" form.</summary>
    public RedisArguments Add(Guid value)
    {
        Span<byte> span = Reserve(36);
        Utf8Formatter.TryFormat(value, span, out int written, 'D');
        return Commit(written);
    }

    /// <summary>The arguments; every one of them must have been added.</summary>
    public RedisValue[] ToArray()
    {
        Debug.Assert(_count == _values.Length, $"{_count} of {_values.Length} script arguments were added.");
        return _values;
    }

    private RedisArguments Append(RedisValue value)
    {
        _values[_count++] = value;
        return this;
    }

    private Span<byte> Reserve(int length)
    {
        if (_chunk.Length - _chunkUsed < length)
        {
            // Earlier slices keep the old chunk alive; nothing is copied.
            _chunk = new byte[Math.Max(_chunk.Length * 2, length)];
            _chunkUsed = 0;
        }

        return _chunk.AsSpan(_chunkUsed, length);
    }

    private RedisArguments Commit(int length)
    {
        var slice = new ReadOnlyMemory<byte>(_chunk, _chunkUsed, length);
        _chunkUsed += length;
        return Append(slice);
    }
}
