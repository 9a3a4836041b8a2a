using System.Net;
using System.Net.Http.Json;
using JobQueue.Testing;
using Microsoft.Extensions.DependencyInjection;
using WebShop.Jobs;
using WebShop.Shop;
using Xunit;

namespace WebShop.UnitTests;

public sealed class SignUpTests
{
    [Fact]
    public async Task SignUp_NewAddress_EnqueuesTheMagicLinkAndSendsIt()
    {
        await using var factory = new ShopFactory();
        HttpClient client = factory.CreateClient();
        var jobs = factory.Services.GetRequiredService<JobQueueTestHarness>();

        HttpResponseMessage response = await client.PostAsJsonAsync("/signup", new { email = "ada@example.com" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        EnqueuedJob<SendMagicLink> job = await jobs.AssertEnqueuedAsync<SendMagicLink>(m => m.Email == "ada@example.com" && m.NewAccount);
        Assert.Equal("email", job.Info.Queue);

        await jobs.RunJobsAsync();
        Assert.Equal(1, factory.Services.GetRequiredService<SimulatedMailService>().Sent);
    }

    [Fact]
    public async Task SignUp_InvalidAddress_EnqueuesNothing()
    {
        await using var factory = new ShopFactory();
        HttpClient client = factory.CreateClient();
        var jobs = factory.Services.GetRequiredService<JobQueueTestHarness>();

        HttpResponseMessage response = await client.PostAsJsonAsync("/signup", new { email = "not an address" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await jobs.AssertNotEnqueuedAsync<SendMagicLink>();
    }
}
