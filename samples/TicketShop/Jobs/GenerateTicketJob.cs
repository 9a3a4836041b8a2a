using JobQueue;

namespace TicketShop.Jobs;

[JobName("generate-ticket")]
public sealed record GenerateTicket(string OrderId, int Seat, bool HangOnFirstTry = false);

/// <summary>Renders one ticket file. The seat flagged HangOnFirstTry hangs on its first attempt, ignoring its token.</summary>
public sealed class GenerateTicketJob(ShopFolders folders) : IJob<GenerateTicket>
{
    public async Task ExecuteAsync(GenerateTicket args, JobContext context, CancellationToken cancellationToken)
    {
        if (args.HangOnFirstTry && context.Attempt == 1)
        {
            // A stuck dependency that ignores cancellation: the worker times the attempt out, abandons it after a
            // short grace, frees the slot, and the retry succeeds.
            await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 80)), cancellationToken); // rendering a PDF, say
        string path = Path.Combine(folders.Tickets, $"{args.OrderId}-seat-{args.Seat:00}.txt");
        await File.WriteAllTextAsync(path, $"TICKET order {args.OrderId} seat {args.Seat} (attempt {context.Attempt})", cancellationToken);
    }
}
