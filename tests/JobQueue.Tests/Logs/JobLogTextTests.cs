using JobQueue.Logs;
using Microsoft.Extensions.Logging;

namespace JobQueue.Tests.Logs;

public sealed class JobLogTextTests
{
    [Fact]
    public void Read_WhatWriteMade_ReturnsTheLinesUnchangedWhateverTheyContain()
    {
        var at = new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        JobLogLine[] lines =
        [
            new() { Timestamp = at, Level = LogLevel.Warning, Category = "Shop.Mail", Message = "\"},{\"t\":1}] '; DROP TABLE jobs; -- \u0000 \r\n <script>" },
            new() { Timestamp = at.AddSeconds(1), Level = LogLevel.Critical, Category = "日本", Message = "" },
        ];

        IReadOnlyList<JobLogLine> read = JobLogText.Read(JobLogText.Write(lines));

        read.Should().BeEquivalentTo(lines, o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"t\":\"2030-01-01T00:00:00Z\"}")]
    [InlineData("[{\"$type\":\"System.Diagnostics.Process\",\"l\":2}]")]
    public void Read_TextThatIsNotTheEnginesForm_ReadsAsNoLines(string text)
    {
        JobLogText.Read(text).Should().BeEmpty();
    }

    [Fact]
    public void Read_OneDamagedItem_SkipsItAndKeepsTheOthers()
    {
        const string text = """[{"t":"2030-01-01T00:00:00Z","l":2,"c":"A","m":"kept"},{"t":"yesterday","l":2,"c":"A","m":"skipped"}]""";

        JobLogText.Read(text).Select(l => l.Message).Should().Equal("kept");
    }
}
