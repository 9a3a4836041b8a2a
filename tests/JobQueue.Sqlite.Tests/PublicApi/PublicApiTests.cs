namespace JobQueue.Sqlite.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesApprovedFile()
    {
        string approved = Path.Combine(AppContext.BaseDirectory, "PublicApi", "JobQueue.Sqlite.approved.txt");

        Action verify = () => JobQueue.TestSupport.PublicApi.Verify(typeof(SqliteStorageOptions).Assembly, approved,
            "tests/JobQueue.Sqlite.Tests/PublicApi/JobQueue.Sqlite.approved.txt");

        verify.Should().NotThrow();
    }
}
