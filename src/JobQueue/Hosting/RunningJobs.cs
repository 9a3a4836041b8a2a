using System.Collections.Concurrent;

namespace JobQueue.Hosting;

/// <summary>
/// The attempts running in this process: the lease keeper renews their leases, and a cancel issued here fires
/// the job's token at once instead of waiting for the next renewal to find the lease void.
/// </summary>
internal sealed class RunningJobs
{
    private readonly ConcurrentDictionary<JobId, ActiveJob> _running = new();

    public int Count => _running.Count;

    public void Add(ActiveJob job) => _running[job.Id] = job;

    public void Remove(ActiveJob job) => _running.TryRemove(new KeyValuePair<JobId, ActiveJob>(job.Id, job));

    public ActiveJob[] Snapshot() => _running.Values.ToArray();

    public bool TryStop(JobId id, StopReason reason)
    {
        if (!_running.TryGetValue(id, out ActiveJob? job))
        {
            return false;
        }

        job.Stop(reason);
        return true;
    }
}
