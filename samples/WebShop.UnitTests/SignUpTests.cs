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

    [Fact]
    public async Task SignUp_OtherAddress_FailsWithAMessageListingWhatWasEnqueued()
    {
        await using var factory = new ShopFactory();
        HttpClient client = factory.CreateClient();
        var jobs = factory.Services.GetRequiredService<JobQueueTestHarness>();

        await client.PostAsJsonAsync("/signup", new { email = "ada@example.org" });

        var failure = await Assert.ThrowsAsync<JobQueueTestException>(
            async () => await jobs.AssertEnqueuedAsync<SendMagicLink>(m => m.Email == "ada@example.com" && m.NewAccount));
        Assert.Equal(
            """
            expected one SendMagicLink (send-magic-link) where m => m.Email == "ada@example.com" && m.NewAccount; found 0; enqueued: 1 job:
              send-magic-link {"email":"ada@example.org","newAccount":true} (queue email, Enqueued, run at 2026-01-01 00:00:00Z)
            """.ReplaceLineEndings("\n"),
            failure.Message);
    }
}
