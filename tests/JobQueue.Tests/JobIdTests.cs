namespace JobQueue.Tests;

public sealed class JobIdTests
{
    [Fact]
    public void ToString_ThenParse_RoundTrips()
    {
        JobId id = JobId.New();

        JobId.Parse(id.ToString()).Should().Be(id);
        id.ToString().Should().Be(id.Value.ToString("D"));
        id.Value.Version.Should().Be(7);
    }

    [Fact]
    public void Parse_NotAGuid_ThrowsFormatExceptionNamingTheValue()
    {
        Action act = () => JobId.Parse("nope");

        act.Should().Throw<FormatException>().WithMessage("'nope' is not a job id*");
    }

    [Fact]
    public void TryParse_InvalidOrNull_ReturnsFalse()
    {
        JobId.TryParse("nope", out _).Should().BeFalse();
        JobId.TryParse(null, out _).Should().BeFalse();
        BatchId.TryParse("nope", out _).Should().BeFalse();
    }

    [Fact]
    public void BatchId_ToString_ThenParse_RoundTrips()
    {
        var id = new BatchId(Guid.CreateVersion7());

        BatchId.Parse(id.ToString()).Should().Be(id);
        $"{id}".Should().Be(id.Value.ToString("D"));
    }
}
