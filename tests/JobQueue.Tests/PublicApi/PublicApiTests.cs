using JobQueue.TestSupport;

namespace JobQueue.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesApprovedFile()
    {
        string approved = Path.Combine(AppContext.BaseDirectory, "PublicApi", "JobQueue.approved.txt");

        Action verify = () => JobQueue.TestSupport.PublicApi.Verify(typeof(IJobClient).Assembly, approved,
            "tests/JobQueue.Tests/PublicApi/JobQueue.approved.txt");

        verify.Should().NotThrow();
    }
}
