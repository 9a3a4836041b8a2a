namespace JobQueue.Tests.Retry;

public sealed class RetryPolicyTests
{
    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(5, 16000)]
    public void DelayAfter_NoJitter_DoublesFromTheBaseDelay(int attempt, double expectedMilliseconds)
    {
        var policy = new RetryPolicy(TimeSpan.FromHours(1), () => 0.5);

        TimeSpan delay = policy.DelayAfter(attempt, TimeSpan.FromSeconds(1));

        delay.TotalMilliseconds.Should().Be(expectedMilliseconds);
    }

    [Fact]
    public void DelayAfter_JitterExtremes_StayWithinTwentyPercent()
    {
        var low = new RetryPolicy(TimeSpan.FromHours(1), () => 0.0);
        var high = new RetryPolicy(TimeSpan.FromHours(1), () => 0.999999);

        low.DelayAfter(2, TimeSpan.FromSeconds(10)).TotalSeconds.Should().BeApproximately(16, 0.001);
        high.DelayAfter(2, TimeSpan.FromSeconds(10)).TotalSeconds.Should().BeApproximately(24, 0.001);
    }

    [Fact]
    public void DelayAfter_ManyAttempts_IsCappedAtMaxRetryDelay()
    {
        var policy = new RetryPolicy(TimeSpan.FromMinutes(10), () => 0.999999);

        policy.DelayAfter(60, TimeSpan.FromSeconds(5)).Should().Be(TimeSpan.FromMinutes(10));
        policy.DelayAfter(int.MaxValue, TimeSpan.FromSeconds(5)).Should().Be(TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void DelayAfter_ZeroBaseDelay_IsZero()
    {
        var policy = new RetryPolicy(TimeSpan.FromMinutes(10), () => 0.7);

        policy.DelayAfter(4, TimeSpan.Zero).Should().Be(TimeSpan.Zero);
    }
}
