using System.Diagnostics;
using JobQueue;
using TicketShop.Jobs;

namespace TicketShop;

/// <summary>
/// An operator pauses the e-mail queue (say the mail server is down for maintenance): sign-ups are still accepted
/// and their e-mails wait; after the resume they go out.
/// </summary>
public static class QueuePauseDemo
{
    public static async Task<bool> RunAsync(IJobAdmin admin, IJobClient jobs, CancellationToken cancellationToken)
    {
        const string Queue = "emails";
        await admin.PauseQueueAsync(Queue, cancellationToken);
        var sinceTheCall = Stopwatch.StartNew();
        Console.WriteLine($"PAUSE  {Queue}: no host starts its jobs until it is resumed");

        // Every host reads the pauses each poll interval (1 s) and says so in its heartbeat at once.
        HostInfo? host = null;
        while (host is null)
        {
            host = (await admin.GetHostsAsync(cancellationToken)).FirstOrDefault(h => h.Queues.Any(q => q.Name == Queue && q.Paused));
            if (host is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }

        Console.WriteLine($"       host {host.Id} reports {Queue} paused ({sinceTheCall.ElapsedMilliseconds} ms after the call)");

        JobId id = await jobs.EnqueueAsync(new SendWelcomeEmail("margaret@example.com", "Margaret"), cancellationToken: cancellationToken);
        Console.WriteLine($"POST /signup margaret@example.com -> 202 Accepted (job {id}): the e-mail waits");
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        JobInfo waiting = (await jobs.GetAsync(id, cancellationToken))!;
        QueueInfo paused = (await admin.GetQueuesAsync(cancellationToken)).Single(q => q.Name == Queue);
        Console.WriteLine($"       {Queue}: paused {paused.Paused}, {paused.Enqueued} waiting, latency {paused.Latency.TotalSeconds:0.0} s; the job is {waiting.State} (waiting: {waiting.Waiting?.Reason.ToString() ?? "its turn"})");

        await admin.ResumeQueueAsync(Queue, cancellationToken);
        Console.WriteLine($"RESUME {Queue}");
        JobInfo sent = await jobs.WaitForCompletionAsync(id, cancellationToken);
        Console.WriteLine($"       the welcome e-mail to margaret@example.com is {sent.State} (started {(sent.StartedAt - sent.EnqueuedAt)?.TotalSeconds:0.0} s after it was enqueued)");
        return paused.Paused && waiting.State == JobState.Enqueued && waiting.Waiting?.Reason == JobWaitReason.QueuePaused && sent.State == JobState.Succeeded;
    }
}
