using System.Net;

namespace JobQueue.Dashboard.Tests;

public sealed class DashboardAccessTests
{
    [Fact]
    public async Task Get_LocalRequestWithoutPolicy_IsServed()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);

        HttpResponseMessage response = await app.GetAsync("/jobs/queues");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Get_RemoteRequestWithoutPolicy_Is403WithHowToAllowIt()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);

        foreach (string path in new[] { "/jobs/", "/jobs/queues", "/jobs/api/queues", "/jobs/assets/dashboard.js" })
        {
            HttpResponseMessage response = await app.GetAsync(path, r => r.Headers.Add(DashboardApp.RemoteHeader, "203.0.113.7"));

            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, path);
            (await response.Content.ReadAsStringAsync()).Should().Contain(".RequireAuthorization(\"ops\")");
        }
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("X-Forwarded-Host", "jobs.example.com")]
    public async Task Get_LoopbackRequestForwardedByAProxy_Is403(string header, string value)
    {
        await using DashboardApp app = await DashboardApp.StartAsync(worker: false);

        HttpResponseMessage response = await app.GetAsync("/jobs/queues", r => r.Headers.TryAddWithoutValidation(header, value));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Get_RemoteRequestWithPolicy_IsDecidedByThePolicy()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(policy: true, worker: false);

        HttpResponseMessage allowed = await app.GetAsync("/jobs/queues", r =>
        {
            r.Headers.Add(DashboardApp.RemoteHeader, "203.0.113.7");
            r.Headers.Add("X-Forwarded-For", "198.51.100.1");
            r.Headers.Add(DashboardApp.OpsKeyHeader, "let-me-in");
        });
        HttpResponseMessage refused = await app.GetAsync("/jobs/queues", r => r.Headers.Add(DashboardApp.RemoteHeader, "203.0.113.7"));
        HttpResponseMessage localRefused = await app.GetAsync("/jobs/queues");

        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        refused.StatusCode.Should().NotBe(HttpStatusCode.OK, "the policy, not the address, decides once one is set");
        localRefused.StatusCode.Should().NotBe(HttpStatusCode.OK, "a policy applies to local requests too");
    }

    [Fact]
    public async Task Get_OverKestrelOnLoopback_ServesLocalAndRefusesForwarded()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true, worker: false);

        HttpResponseMessage local = await app.GetAsync("/jobs/queues");
        HttpResponseMessage forwarded = await app.GetAsync("/jobs/queues", r => r.Headers.Add("X-Forwarded-For", "203.0.113.7"));

        local.StatusCode.Should().Be(HttpStatusCode.OK);
        forwarded.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
