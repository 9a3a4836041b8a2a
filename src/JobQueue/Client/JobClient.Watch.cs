namespace JobQueue.Client;

// Watching a job: one shared feed per job id (see JobWatchers).
internal sealed partial class JobClient
{
    public IAsyncEnumerable<JobInfo> WatchAsync(JobId id, CancellationToken cancellationToken = default)
        => _watchers.WatchAsync(id, cancellationToken);
}
