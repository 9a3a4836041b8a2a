using System.Text.Json;
using JobQueue;
using WebShop.Jobs;

namespace WebShop.Shop;

/// <summary>Orders: each is a batch of ticket jobs with a dispatch job as its success callback; the order id is the batch id.</summary>
public static class OrderEndpoints
{
    public sealed record OrderRequest(string? Email, int? Tickets);

    public static void MapOrders(this IEndpointRouteBuilder app)
    {
        app.MapPost("/orders", async (OrderRequest request, IJobClient jobs, CancellationToken cancellationToken) =>
        {
            string? email = request.Email?.Trim();
            int tickets = request.Tickets ?? 40;
            if (email is null || !System.Net.Mail.MailAddress.TryCreate(email, out _))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Enter a valid e-mail address.");
            }

            if (tickets is < 1 or > 100)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"An order holds 1 to 100 tickets, not {tickets}.");
            }

            BatchId order = await jobs.StartBatchAsync(b =>
            {
                for (int seat = 1; seat <= tickets; seat++)
                {
                    b.Enqueue(new GenerateTicket(b.Id.Value, seat));
                }

                b.OnSuccess(new DispatchOrder(b.Id.Value, email, tickets));
            }, cancellationToken);
            return Results.Created($"/orders/{order}", new { orderId = order.ToString(), page = $"/orders/{order}", events = $"/orders/{order}/events" });
        });

        // Ids from the URL are parsed, never trusted: a malformed one is the caller's mistake (400), not a server error.
        app.MapGet("/orders/{id}", async (string id, IJobClient jobs, IWebHostEnvironment environment, CancellationToken cancellationToken) =>
        {
            if (!BatchId.TryParse(id, out BatchId order))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"'{id}' is not an order id.");
            }

            if (await jobs.GetBatchAsync(order, cancellationToken) is null)
            {
                return Results.NotFound();
            }

            return Results.File(environment.WebRootFileProvider.GetFileInfo("order.html").CreateReadStream(), "text/html; charset=utf-8");
        });

        app.MapGet("/orders/{id}/events", async (string id, HttpContext context, OrderProgress progress, CancellationToken cancellationToken) =>
        {
            if (!BatchId.TryParse(id, out BatchId order))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"'{id}' is not an order id.");
            }

            if (!await progress.ExistsAsync(order, cancellationToken))
            {
                return Results.NotFound();
            }

            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.FlushAsync(cancellationToken);
            await foreach (OrderUpdate update in progress.WatchAsync(order, cancellationToken))
            {
                // One event per update; JSON-encoded, so nothing in it can start another event or line.
                await context.Response.WriteAsync($"event: {update.Event}\ndata: {JsonSerializer.Serialize(update, JsonSerializerOptions.Web)}\n\n", cancellationToken);
                await context.Response.Body.FlushAsync(cancellationToken);
            }

            return Results.Empty;
        });
    }
}
