using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace WebShop.Tests;

/// <summary>The sample mounts the dashboard at /jobs, for local requests only (it sets no policy).</summary>
public sealed class WebShopDashboardTests(WebShopFactory factory) : IClassFixture<WebShopFactory>
{
    [Fact]
    public async Task Dashboard_LocalRequest_ShowsTheShopsQueues()
    {
        // The in-memory test server has no connection: say it came from loopback, as a browser on the machine does.
        HttpClient client = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new FromLoopback())))
            .CreateClient();

        HttpResponseMessage response = await client.GetAsync("/jobs/queues");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain(">email</a>").And.Contain(">tickets</a>");
    }

    [Fact]
    public async Task Dashboard_RequestNotFromThisMachine_IsRefused()
    {
        HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync("/jobs/");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("RequireAuthorization");
    }

    private sealed class FromLoopback : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
