using JobQueue;

namespace TicketShop.Jobs;

[JobName("write-sales-report")]
public sealed record WriteSalesReport(string Title);

/// <summary>Writes how many tickets exist so far into reports/: the shop's recurring job, run on a cron schedule.</summary>
public sealed class WriteSalesReportJob(ShopFolders folders) : IJob<WriteSalesReport>
{
    public async Task ExecuteAsync(WriteSalesReport args, JobContext context, CancellationToken cancellationToken)
    {
        string reports = Path.Combine(folders.Root, "reports");
        Directory.CreateDirectory(reports);
        int tickets = Directory.GetFiles(folders.Tickets).Length;
        await File.WriteAllTextAsync(
            Path.Combine(reports, $"sales-{context.JobId}.txt"),
            $"{args.Title}: {tickets} tickets generated so far (job {context.JobId})",
            cancellationToken);
    }
}
