using JobQueue.Dashboard.Endpoints;

namespace JobQueue.Dashboard.Tests;

public sealed class DashboardRequestTests
{
    [Theory]
    [InlineData("/jobs/", "./")]
    [InlineData("/jobs/queues", "./")]
    [InlineData("/jobs/jobs/0190a5c2-7e4b-7cc1-9f0e-3b2f6d1e8a90", "../")]
    [InlineData("/jobs/jobs/0190a5c2-7e4b-7cc1-9f0e-3b2f6d1e8a90/retry", "../../")]
    [InlineData("/jobs/api/stream", "../")]
    public void RootFor_APath_IsTheRelativeWayBackToTheDashboard(string path, string root)
        => DashboardRequest.RootFor(path, "/jobs").Should().Be(root);
}
