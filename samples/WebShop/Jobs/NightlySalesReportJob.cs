using JobQueue;
using WebShop.Shop;

namespace WebShop.Jobs;

/// <summary>The day's sales, mailed to the staff every night (a recurring job).</summary>
[JobName("nightly-sales-report")]
public sealed record NightlySalesReport;

public sealed class NightlySalesReportJob(SalesLedger ledger, SimulatedMailService mail, TimeProvider time, ILogger<NightlySalesReportJob> logger)
    : IJob<NightlySalesReport>
{
    public async Task ExecuteAsync(NightlySalesReport args, JobContext context, CancellationToken cancellationToken)
    {
        (int orders, int tickets) = ledger.Since(time.GetUtcNow().AddDays(-1));
        logger.LogInformation("Sales of the last 24 hours: {Orders} orders, {Tickets} tickets", orders, tickets);
        await mail.SendAsync("staff@webshop.example", "Nightly sales", $"{orders} orders, {tickets} tickets.", cancellationToken);
    }
}
