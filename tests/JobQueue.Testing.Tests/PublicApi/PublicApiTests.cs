using JobQueue.Testing;

namespace JobQueue.Testing.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesApprovedFile()
    {
        string approved = Path.Combine(AppContext.BaseDirectory, "PublicApi", "JobQueue.Testing.approved.txt");

        Action verify = () => JobQueue.TestSupport.PublicApi.Verify(typeof(JobQueueTestHarness).Assembly, approved,
            "tests/JobQueue.Testing.Tests/PublicApi/JobQueue.Testing.approved.txt");

        verify.Should().NotThrow();
    }
}
