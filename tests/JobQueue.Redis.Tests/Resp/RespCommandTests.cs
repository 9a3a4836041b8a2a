using System.Text;
using JobQueue.Redis.Resp;

namespace JobQueue.Redis.Tests.Resp;

public sealed class RespCommandTests
{
    [Fact]
    public void Add_ArgumentList_IsWrittenLastAndCounted()
    {
        RespCommand arguments = new RespCommand().Add("a").Add("bc");

        RespCommand command = new RespCommand("EVALSHA").Add("sha").Add(0).Add(arguments);

        Wire(command).Should().Be("*5\r\n$7\r\nEVALSHA\r\n$3\r\nsha\r\n$1\r\n0\r\n$1\r\na\r\n$2\r\nbc\r\n");
        command.ArgumentCount.Should().Be(5);
    }

    [Fact]
    public void Add_SameArgumentListInTwoCommands_BothCarryIt()
    {
        // EVALSHA falls back to EVAL with the very same argument list after NOSCRIPT.
        RespCommand arguments = new RespCommand().Add("x");

        string first = Wire(new RespCommand("EVALSHA").Add("sha").Add(arguments));
        string second = Wire(new RespCommand("EVAL").Add("return 1").Add(arguments));

        first.Should().EndWith("$1\r\nx\r\n");
        second.Should().Be("*3\r\n$4\r\nEVAL\r\n$8\r\nreturn 1\r\n$1\r\nx\r\n");
    }

    [Fact]
    public void Add_AfterArgumentList_Throws()
    {
        RespCommand command = new RespCommand("EVAL").Add(new RespCommand().Add("x"));

        Action act = () => command.Add("late");

        act.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Add_Guid_WritesCanonicalForm()
    {
        var id = Guid.NewGuid();

        string wire = Wire(new RespCommand("GET").Add(id));

        wire.Should().Be($"*2\r\n$3\r\nGET\r\n$36\r\n{id:D}\r\n");
    }

    [Theory]
    [InlineData(0L, "0000000000000000000")]
    [InlineData(638_990_000_000_000_000L, "0638990000000000000")]
    public void AddPadded_Ticks_WritesNineteenDigits(long ticks, string expected)
    {
        Wire(new RespCommand("X").AddPadded(ticks, 19)).Should().EndWith($"$19\r\n{expected}\r\n");
    }

    [Theory]
    [InlineData(-42L, "-42")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    public void Add_Number_WritesDecimal(long value, string expected)
    {
        Wire(new RespCommand("X").Add(value)).Should().EndWith($"${expected.Length}\r\n{expected}\r\n");
    }

    private static string Wire(RespCommand command) => Encoding.UTF8.GetString(command.ToArray());
}
