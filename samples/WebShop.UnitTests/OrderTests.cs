using System.Net.Http.Json;
using System.Text.Json;
using JobQueue;
using JobQueue.Testing;
using Microsoft.Extensions.DependencyInjection;
using WebShop.Jobs;
using WebShop.Shop;
using Xunit;

namespace WebShop.UnitTests;

public sealed class OrderTests
{
    [Fact]
    public async Task Order_ThreeTickets_RendersEachThenDispatchesOnce()
    {
        await using var factory = new ShopFactory();
        HttpClient client = factory.CreateClient();
        var jobs = factory.Services.GetRequiredService<JobQueueTestHarness>();

        HttpResponseMessage response = await client.PostAsJsonAsync("/orders", new { email = "ada@example.com", tickets = 3 });
        var order = BatchId.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString()!);

        // The batch's children wait to run; its success callback waits for them.
        await jobs.AssertEnqueuedCountAsync<GenerateTicket>(3, batchId: order);
        await jobs.AssertNotEnqueuedAsync<DispatchOrder>();

        // Runs the tickets, then the dispatch job the last ticket released.
        JobRunReport report = await jobs.RunJobsAsync();

        Assert.Equal(4, report.Succeeded);
        Assert.Equal("dispatch-order", report.Attempts[^1].Job.Name);
        BatchInfo batch = (await jobs.GetBatchAsync(order))!;
        Assert.Equal(BatchState.Succeeded, batch.State);
        Assert.Equal(3, batch.Succeeded);
    }

    [Fact]
    public async Task GenerateTicket_RunDirectly_ReturnsTheTicketFile()
    {
        await using JobQueueTestHarness jobs = JobQueueTestHarness.Create(
            q => q.AddJob<GenerateTicketJob>(),
            services => services.AddSingleton(new ShopOptions { DelayScale = 0, FailureRate = 0 }).AddSingleton<SimulatedTicketService>());
        var orderId = Guid.Parse("0193f0a4-5c7e-7d2a-9b1e-3c4d5e6f7a8b");

        JobInfo ticket = await jobs.RunJobAsync(new GenerateTicket(orderId, Seat: 7));

        Assert.Equal(JobState.Succeeded, ticket.State);
        Assert.Equal("tickets/0193f0a45c7e7d2a9b1e3c4d5e6f7a8b/07.pdf", ticket.GetResult<string>());
        Assert.Equal(10, ticket.Progress!.Percent);
    }
}
