using JobQueue.Testing;

namespace JobQueue.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesApprovedFile()
    {
        string approved = Path.Combine(AppContext.BaseDirectory, "PublicApi", "JobQueue.approved.txt");

        Action verify = () => JobQueue.Testing.PublicApi.Verify(typeof(IJobClient).Assembly, approved,
            "tests/JobQueue.Tests/PublicApi/JobQueue.approved.txt");

        verify.Should().NotThrow();
    }
}
