using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace WebShop.UnitTests;

/// <summary>The shop in memory; its jobs wait for the test instead of a worker.</summary>
public sealed class ShopFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The simulated mail and ticket services answer at once and never fail.
        builder.UseSetting("Shop:DelayScale", "0");
        builder.UseSetting("Shop:FailureRate", "0");
        builder.UseSetting("Shop:DatabasePath", Path.Combine(Path.GetTempPath(), "webshop-unit-tests", "jobs.db"));

        // After the app's AddJobQueue: in-memory store, fake clock, no worker.
        builder.ConfigureTestServices(services => services.AddJobQueueTesting());
    }
}
