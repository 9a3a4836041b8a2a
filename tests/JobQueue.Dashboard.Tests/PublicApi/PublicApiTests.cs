using Microsoft.AspNetCore.Builder;

namespace JobQueue.Dashboard.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesApprovedFile()
    {
        string approved = Path.Combine(AppContext.BaseDirectory, "PublicApi", "JobQueue.Dashboard.approved.txt");

        Action verify = () => JobQueue.TestSupport.PublicApi.Verify(typeof(DashboardEndpointRouteBuilderExtensions).Assembly, approved,
            "tests/JobQueue.Dashboard.Tests/PublicApi/JobQueue.Dashboard.approved.txt");

        verify.Should().NotThrow();
    }
}
