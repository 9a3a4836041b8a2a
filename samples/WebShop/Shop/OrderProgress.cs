using System.Runtime.CompilerServices;
using System.Threading.Channels;
using JobQueue;

namespace WebShop.Shop;

/// <summary>
/// An order's progress as a stream: it watches every job of the order's batch (IJobClient.WatchAsync; watchers of one
/// job share one feed, so many open pages cost no more store reads than one) and, after each burst of changes, reads the
/// batch's counts once.
/// </summary>
public sealed class OrderProgress(IJobClient jobs, IJobAdmin admin)
{
    public async Task<bool> ExistsAsync(BatchId order, CancellationToken cancellationToken)
        => await jobs.GetBatchAsync(order, cancellationToken) is not null;

    public async IAsyncEnumerable<OrderUpdate> WatchAsync(BatchId order, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BatchInfo? batch = await jobs.GetBatchAsync(order, cancellationToken);
        if (batch is null)
        {
            yield break;
        }

        var ids = new List<JobId>();
        string? continuation = null;
        do
        {
            JobPage page = await admin.QueryJobsAsync(new JobFilter { BatchId = order, PageSize = JobFilter.MaxPageSize, Continuation = continuation }, cancellationToken);
            ids.AddRange(page.Jobs.Select(j => j.Id));
            continuation = page.Continuation;
        }
        while (continuation is not null);

        JobId? dispatch = batch.SuccessJobId;
        var changes = Channel.CreateUnbounded<JobInfo>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task[] watches = [.. ids.Select(id => ForwardAsync(id, changes.Writer, stop.Token))];
        var retries = new Dictionary<JobId, int>();
        string? dispatchState = null;
        try
        {
            while (await changes.Reader.WaitToReadAsync(cancellationToken))
            {
                bool finished = false;
                while (changes.Reader.TryRead(out JobInfo? info))
                {
                    retries[info.Id] = Math.Max(0, info.Attempt - 1);
                    if (info.Id == dispatch)
                    {
                        dispatchState = info.State.ToString();
                        finished = info.IsFinished;
                    }
                }

                batch = await jobs.GetBatchAsync(order, cancellationToken) ?? batch;
                yield return new OrderUpdate(finished ? "done" : "progress", batch.State.ToString(), batch.Total, batch.Succeeded, batch.Failed,
                    batch.Pending, retries.Values.Sum(), dispatchState);
                if (finished)
                {
                    yield break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(watches);
        }
    }

    private async Task ForwardAsync(JobId id, ChannelWriter<JobInfo> changes, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (JobInfo info in jobs.WatchAsync(id, cancellationToken))
            {
                changes.TryWrite(info);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page closed, or the order's stream ended.
        }
        catch (InvalidOperationException)
        {
            // The job was pruned between the listing and the watch: nothing to show for it.
        }
    }
}
