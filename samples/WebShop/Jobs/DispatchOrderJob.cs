using JobQueue;
using WebShop.Shop;

namespace WebShop.Jobs;

/// <summary>Runs once every ticket of the order exists (the batch's success callback): mails them to the buyer.</summary>
[JobName("dispatch-order")]
public sealed record DispatchOrder(Guid OrderId, string Email, int Tickets);

public sealed class DispatchOrderJob(SimulatedMailService mail, SalesLedger ledger, TimeProvider time) : IJob<DispatchOrder>
{
    public async Task ExecuteAsync(DispatchOrder args, JobContext context, CancellationToken cancellationToken)
    {
        await mail.SendAsync(args.Email, $"Your {args.Tickets} tickets", $"Order {args.OrderId}: {args.Tickets} tickets attached.", cancellationToken);
        ledger.Record(args.OrderId, args.Tickets, time.GetUtcNow());
    }
}
