using JobQueue;
using WebShop.Shop;

namespace WebShop.Jobs;

/// <summary>Renders one seat's ticket of an order.</summary>
[JobName("generate-ticket")]
public sealed record GenerateTicket(Guid OrderId, int Seat);

public sealed class GenerateTicketJob(SimulatedTicketService tickets, ILogger<GenerateTicketJob> logger) : IJob<GenerateTicket, string>
{
    public async Task<string> ExecuteAsync(GenerateTicket args, JobContext context, CancellationToken cancellationToken)
    {
        await context.ReportProgressAsync(10, $"rendering seat {args.Seat}", cancellationToken);
        string file = await tickets.RenderAsync(args.OrderId, args.Seat, cancellationToken);
        logger.LogInformation("Seat {Seat} rendered to {File} on attempt {Attempt}", args.Seat, file, context.Attempt);
        return file;
    }
}
