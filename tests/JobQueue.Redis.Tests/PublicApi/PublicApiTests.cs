namespace JobQueue.Redis.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesApprovedFile()
    {
        string approved = Path.Combine(AppContext.BaseDirectory, "PublicApi", "JobQueue.Redis.approved.txt");

        Action verify = () => JobQueue.TestSupport.PublicApi.Verify(typeof(RedisStorageOptions).Assembly, approved,
            "tests/JobQueue.Redis.Tests/PublicApi/JobQueue.Redis.approved.txt");

        verify.Should().NotThrow();
    }
}
