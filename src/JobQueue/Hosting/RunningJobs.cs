using System.Collections.Concurrent;

namespace JobQueue.Hosting;

/// <summary>
/// The jobs running in this process, so that a cancel issued here fires the job's token at once instead of
/// waiting for the next lease renewal to notice that the lease is void.
/// </summary>
internal sealed class RunningJobs
{
    private readonly ConcurrentDictionary<JobId, CancellationTokenSource> _running = new();

    public void Add(JobId id, CancellationTokenSource cancellation) => _running[id] = cancellation;

    public void Remove(JobId id) => _running.TryRemove(id, out _);

    public bool TryCancel(JobId id)
    {
        if (!_running.TryGetValue(id, out CancellationTokenSource? cancellation))
        {
            return false;
        }

        try
        {
            cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended between the lookup and the cancel: nothing left to cancel.
        }

        return true;
    }
}
