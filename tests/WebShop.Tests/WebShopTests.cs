using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JobQueue.TestSupport;

namespace WebShop.Tests;

public sealed class WebShopTests(WebShopFactory factory) : IClassFixture<WebShopFactory>
{
    [Fact]
    public async Task SignUp_NewOrKnownAddress_Answers202WithTheSameBody()
    {
        HttpClient client = factory.CreateClient();
        string address = $"buyer-{Guid.NewGuid():N}@shop.example";

        HttpResponseMessage first = await client.PostAsJsonAsync("/signup", new { email = address });
        HttpResponseMessage again = await client.PostAsJsonAsync("/signup", new { email = address });
        HttpResponseMessage other = await client.PostAsJsonAsync("/signup", new { email = "someone-else@shop.example" });

        first.StatusCode.Should().Be(HttpStatusCode.Accepted);
        again.StatusCode.Should().Be(HttpStatusCode.Accepted);
        other.StatusCode.Should().Be(HttpStatusCode.Accepted);
        string body = await first.Content.ReadAsStringAsync();
        (await again.Content.ReadAsStringAsync()).Should().Be(body, "a known address must not be told apart from a new one");
        (await other.Content.ReadAsStringAsync()).Should().Be(body);
    }

    [Fact]
    public async Task Order_EventStream_DeliversProgressUpToTheDispatchedFinalState()
    {
        HttpClient client = factory.CreateClient();
        HttpResponseMessage created = await client.PostAsJsonAsync("/orders", new { email = "fan@shop.example", tickets = 40 });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        string events = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").GetString()!;

        List<(string Event, JsonElement Data)> received = await Deadline.Within(ReadEventsAsync(client, events), "the order's event stream to end");

        received.Should().NotBeEmpty();
        received.Take(received.Count - 1).Should().OnlyContain(e => e.Event == "progress");
        (string last, JsonElement final) = received[^1];
        last.Should().Be("done");
        final.GetProperty("state").GetString().Should().Be("Succeeded");
        final.GetProperty("succeeded").GetInt32().Should().Be(40);
        final.GetProperty("total").GetInt32().Should().Be(40);
        final.GetProperty("dispatch").GetString().Should().Be("Succeeded");
        received.Select(e => e.Data.GetProperty("succeeded").GetInt32()).Should().BeInAscendingOrder("a batch's successes only grow");
        received.Count.Should().BeGreaterThan(1, "progress arrives while the tickets are made, not only at the end");
    }

    [Theory]
    [InlineData("/orders/not-an-id")]
    [InlineData("/orders/not-an-id/events")]
    [InlineData("/orders/12345")]
    [InlineData("/orders/01a24c86-3d4f-7672-8328-38681ea2e12/events")]
    public async Task Order_MalformedIdInTheUrl_Answers400(string url)
    {
        HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Order_WellFormedUnknownId_Answers404()
    {
        HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync($"/orders/{Guid.CreateVersion7()}/events");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static async Task<List<(string Event, JsonElement Data)>> ReadEventsAsync(HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var received = new List<(string, JsonElement)>();
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                received.Add((name!, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
            }
        }

        return received;
    }
}
