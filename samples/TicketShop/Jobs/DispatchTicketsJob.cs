using JobQueue;

namespace TicketShop.Jobs;

[JobName("dispatch-tickets")]
public sealed record DispatchTickets(string OrderId, int Seats);

public sealed record DispatchReceipt(string OrderId, int TicketFiles, string Manifest);

/// <summary>Runs once, after every ticket of the order exists: bundles them and "sends" the bundle.</summary>
public sealed class DispatchTicketsJob(ShopFolders folders) : IJob<DispatchTickets, DispatchReceipt>
{
    public async Task<DispatchReceipt> ExecuteAsync(DispatchTickets args, JobContext context, CancellationToken cancellationToken)
    {
        string[] files = Directory.GetFiles(folders.Tickets, $"{args.OrderId}-seat-*.txt");
        if (files.Length != args.Seats)
        {
            throw new PermanentJobFailureException($"Expected {args.Seats} tickets for order {args.OrderId}, found {files.Length}.");
        }

        string manifest = Path.Combine(folders.Outbox, $"order-{args.OrderId}-dispatch.txt");
        await File.WriteAllLinesAsync(manifest, files.Order().Select(Path.GetFileName).OfType<string>(), cancellationToken);
        return new DispatchReceipt(args.OrderId, files.Length, manifest);
    }
}
