using JobQueue.Hosting;

namespace JobQueue.Tests.Hosting;

/// <summary>How an attempt's error is bounded before it is stored with the job.</summary>
public sealed class AttemptOutcomeWriterTests
{
    [Fact]
    public void ToJobError_DeepInnerExceptions_KeepsTypeAndBoundsBothTexts()
    {
        Exception error = new ArgumentException("short");
        for (int i = 0; i < 500; i++)
        {
            error = new InvalidOperationException($"level {i}", error);
        }

        JobError stored = AttemptOutcomeWriter.ToJobError(error, attempt: 3, DateTimeOffset.UnixEpoch);

        stored.Type.Should().Be(typeof(InvalidOperationException).FullName);
        stored.Message.Should().Be("level 499");
        stored.StackTrace!.Length.Should().BeLessThanOrEqualTo(AttemptOutcomeWriter.MaxStackTraceLength);
        stored.StackTrace.Should().Contain("level 499").And.Contain("[truncated: ");
        stored.Attempt.Should().Be(3);
    }

    [Fact]
    public void ToJobError_ShortError_IsStoredWhole()
    {
        var error = new InvalidOperationException("boom");

        JobError stored = AttemptOutcomeWriter.ToJobError(error, attempt: 1, DateTimeOffset.UnixEpoch);

        stored.Message.Should().Be("boom");
        stored.StackTrace.Should().Be(error.ToString());
    }

    [Fact]
    public void Truncate_CutWouldSplitASurrogatePair_KeepsThePairWhole()
    {
        // 4,031 'a's put the pair's first half at index 4,031, the last one a cut at 4,096 (4,032 kept before the marker) would keep.
        string text = new string('a', 4096 - 64 - 1) + "\U0001F600" + new string('b', 100);

        string cut = AttemptOutcomeWriter.Truncate(text, 4096);

        cut.Length.Should().BeLessThanOrEqualTo(4096);
        char.IsHighSurrogate(cut[4096 - 64 - 2]).Should().BeFalse();
        cut.Should().NotContain("\uD83D").And.EndWith($"[truncated: {4096 - 64 - 1} of {text.Length} characters kept]");
    }

    [Fact]
    public void ToJobError_ExceptionWhoseMessageThrows_StillRecordsTheAttempt()
    {
        JobError stored = AttemptOutcomeWriter.ToJobError(new BrokenException(), attempt: 1, DateTimeOffset.UnixEpoch);

        stored.Type.Should().Be(typeof(BrokenException).FullName);
        stored.Message.Should().Contain("could not describe itself");
    }

    private sealed class BrokenException : Exception
    {
        public override string Message => throw new InvalidOperationException("no message today");

        public override string ToString() => throw new InvalidOperationException("no text today");
    }
}
