namespace JobQueue.Dashboard.Tests;

/// <summary>The dashboard's pages, and an app that has something to show on each.</summary>
internal static class DashboardPages
{
    public static readonly string[] Static = ["/jobs/", "/jobs/queues", "/jobs/jobs", "/jobs/batches", "/jobs/recurring", "/jobs/hosts"];

    /// <summary>A succeeded job, a failed one, a batch and a recurring job; returns the pages that show them.</summary>
    public static async Task<(JobInfo Succeeded, JobInfo Failed, BatchId Batch, string[] Pages)> SeedAsync(DashboardApp app,
        string text = "hello", string queue = "later")
    {
        JobInfo succeeded = await app.EnqueueAndFinishAsync(new Succeed(text));
        JobInfo failed = await app.EnqueueAndFinishAsync(new Fail(text));
        // A queue no host serves, so its name is listed (and a hostile name shown) without running anything.
        await app.Jobs.EnqueueAsync(new Succeed(text), new EnqueueOptions { Queue = queue, Delay = TimeSpan.FromHours(1) });
        BatchId batch = await app.Jobs.StartBatchAsync(b =>
        {
            b.Enqueue(new Succeed(text));
            b.OnSuccess(new Succeed("callback"));
        });
        await app.Recurring.AddOrUpdateAsync("nightly-" + text.Length, "0 3 * * *", new Succeed(text),
            new RecurringJobOptions { TimeZone = "Europe/Berlin" });
        string[] pages = [.. Static, $"/jobs/jobs/{succeeded.Id}", $"/jobs/jobs/{failed.Id}", $"/jobs/batches/{batch}",
            "/jobs/jobs?state=Failed", $"/jobs/jobs/bulk?action=cancel&queue={Uri.EscapeDataString(queue)}"];
        return (succeeded, failed, batch, pages);
    }
}
