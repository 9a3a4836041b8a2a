using System.Buffers;
using System.Text;
using JobQueue.Redis.Resp;

namespace JobQueue.Redis.Tests.Resp;

public sealed class RespParserTests
{
    [Theory]
    [InlineData("+OK\r\n", "OK")]
    [InlineData("$5\r\nhello\r\n", "hello")]
    [InlineData("$0\r\n\r\n", "")]
    [InlineData(":-42\r\n", "-42")]
    public void TryParse_ScalarReply_ReadsValue(string wire, string expected)
    {
        Parse(wire).AsString().Should().Be(expected);
    }

    [Fact]
    public void TryParse_ErrorReply_KeepsServerMessage()
    {
        RespValue value = Parse("-NOSCRIPT No matching script\r\n");

        value.Type.Should().Be(RespType.Error);
        value.ErrorMessage.Should().Be("NOSCRIPT No matching script");
    }

    [Theory]
    [InlineData("$-1\r\n")]
    [InlineData("*-1\r\n")]
    public void TryParse_NullForms_ReadNull(string wire)
    {
        Parse(wire).IsNull.Should().BeTrue();
    }

    [Fact]
    public void TryParse_NestedArrays_ReadsTree()
    {
        RespValue value = Parse("*3\r\n:1\r\n*2\r\n$1\r\na\r\n$-1\r\n*0\r\n");

        value.Items.Should().HaveCount(3);
        value.Items[0].Integer.Should().Be(1);
        value.Items[1].Items[0].AsString().Should().Be("a");
        value.Items[1].Items[1].IsNull.Should().BeTrue();
        value.Items[2].Items.Should().BeEmpty();
    }

    [Fact]
    public void TryParse_BinaryBulk_KeepsBytes()
    {
        byte[] payload = [0, 13, 10, 255, 36];
        byte[] wire = [.. "$5\r\n"u8.ToArray(), .. payload, .. "\r\n"u8.ToArray()];

        RespParser.TryParse(new ReadOnlySequence<byte>(wire), out RespValue value, out _).Should().BeTrue();

        value.Bytes.Should().Equal(payload);
    }

    [Fact]
    public void TryParse_ReplySplitAtEveryByte_ParsesOnlyWhenWhole()
    {
        byte[] wire = Encoding.UTF8.GetBytes("*2\r\n$3\r\nfoo\r\n*1\r\n:7\r\n");

        for (int cut = 0; cut < wire.Length; cut++)
        {
            RespParser.TryParse(new ReadOnlySequence<byte>(wire, 0, cut), out _, out _).Should().BeFalse($"{cut} bytes are only part of the reply");
        }

        RespParser.TryParse(Segmented(wire, 1), out RespValue value, out _).Should().BeTrue();
        value.Items[1].Items[0].Integer.Should().Be(7);
    }

    [Fact]
    public void TryParse_ConcatenatedReplies_ParsesOneAfterAnother()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("+A\r\n:2\r\n$1\r\nc\r\n"));
        var values = new List<string?>();

        while (RespParser.TryParse(buffer, out RespValue value, out SequencePosition consumed))
        {
            values.Add(value.AsString());
            buffer = buffer.Slice(consumed);
        }

        values.Should().Equal("A", "2", "c");
        buffer.IsEmpty.Should().BeTrue();
    }

    [Theory]
    [InlineData("?x\r\n")]
    [InlineData(":12a\r\n")]
    [InlineData("$3\r\nabcd\r\n")]
    [InlineData("$-2\r\n")]
    [InlineData("*-5\r\n")]
    [InlineData("+OK\rX")]
    [InlineData(":\r\n")]
    [InlineData("$99999999999\r\n")]
    public void TryParse_MalformedInput_ThrowsProtocolError(string wire)
    {
        Action parse = () => RespParser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire)), out _, out _);

        parse.Should().Throw<RespProtocolException>();
    }

    [Fact]
    public void TryParse_DeeplyNestedArrays_ThrowsProtocolError()
    {
        string wire = string.Concat(Enumerable.Repeat("*1\r\n", RespParser.MaxDepth + 1)) + ":1\r\n";

        Action parse = () => RespParser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire)), out _, out _);

        parse.Should().Throw<RespProtocolException>();
    }

    [Fact]
    public void TryParse_RandomRepliesInRandomSegments_RoundTrip()
    {
        // Seeded, so a failure reproduces.
        var random = new Random(20240611);
        for (int round = 0; round < 200; round++)
        {
            var expected = new List<string>();
            var wire = new List<byte>();
            int count = random.Next(1, 6);
            for (int i = 0; i < count; i++)
            {
                (string text, byte[] bytes) = RandomReply(random, 0);
                expected.Add(text);
                wire.AddRange(bytes);
            }

            ReadOnlySequence<byte> buffer = Segmented([.. wire], random.Next(1, 8));
            var actual = new List<string>();
            while (RespParser.TryParse(buffer, out RespValue value, out SequencePosition consumed))
            {
                actual.Add(value.ToString());
                buffer = buffer.Slice(consumed);
            }

            actual.Should().Equal(expected);
            buffer.IsEmpty.Should().BeTrue();
        }
    }

    [Fact]
    public void TryParse_RandomGarbage_NeverHangsOrCrashes()
    {
        var random = new Random(7);
        for (int round = 0; round < 2000; round++)
        {
            byte[] garbage = new byte[random.Next(1, 40)];
            random.NextBytes(garbage);
            ReadOnlySequence<byte> buffer = new(garbage);

            // Either a value, "need more bytes", or a protocol error: never another exception or a loop.
            try
            {
                while (RespParser.TryParse(buffer, out _, out SequencePosition consumed))
                {
                    buffer = buffer.Slice(consumed);
                }
            }
            catch (RespProtocolException)
            {
            }
        }
    }

    private static RespValue Parse(string wire)
    {
        RespParser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire)), out RespValue value, out SequencePosition consumed).Should().BeTrue();
        return value;
    }

    private static (string Text, byte[] Bytes) RandomReply(Random random, int depth)
    {
        switch (random.Next(depth < 3 ? 5 : 4))
        {
            case 0:
                string simple = "s" + random.Next(1000);
                return (simple, Encoding.UTF8.GetBytes($"+{simple}\r\n"));
            case 1:
                long number = random.NextInt64(long.MinValue / 2, long.MaxValue / 2);
                return (number.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes($":{number}\r\n"));
            case 2:
                string bulk = new('x', random.Next(0, 20));
                return (bulk, Encoding.UTF8.GetBytes($"${bulk.Length}\r\n{bulk}\r\n"));
            case 3:
                return ("(nil)", "$-1\r\n"u8.ToArray());
            default:
                int count = random.Next(0, 4);
                var texts = new List<string>();
                var bytes = new List<byte>(Encoding.UTF8.GetBytes($"*{count}\r\n"));
                for (int i = 0; i < count; i++)
                {
                    (string text, byte[] item) = RandomReply(random, depth + 1);
                    texts.Add(text);
                    bytes.AddRange(item);
                }

                return ($"[{string.Join(", ", texts)}]", [.. bytes]);
        }
    }

    /// <summary>The bytes as a sequence of segments of at most <paramref name="size"/> bytes, as a socket may deliver them.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        Segment last = first;
        for (int offset = size; offset < bytes.Length; offset += size)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
