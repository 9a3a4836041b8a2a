namespace JobQueue.Postgres.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesApprovedFile()
    {
        string approved = Path.Combine(AppContext.BaseDirectory, "PublicApi", "JobQueue.Postgres.approved.txt");

        Action verify = () => JobQueue.TestSupport.PublicApi.Verify(typeof(PostgresStorageOptions).Assembly, approved,
            "tests/JobQueue.Postgres.Tests/PublicApi/JobQueue.Postgres.approved.txt");

        verify.Should().NotThrow();
    }
}
