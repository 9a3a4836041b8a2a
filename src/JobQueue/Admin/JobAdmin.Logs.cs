using JobQueue.Logs;
using JobQueue.Storage;

namespace JobQueue.Admin;

internal sealed partial class JobAdmin
{
    public async ValueTask<IReadOnlyList<JobLogAttempt>> GetJobLogAsync(JobId id, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<StoredJobLog> stored = await _storage.GetJobLogsAsync(id, cancellationToken).ConfigureAwait(false);
        return [.. stored.Select(static log => new JobLogAttempt { Attempt = log.Attempt, Lines = JobLogText.Read(log.Text), DroppedLines = log.DroppedLines })];
    }
}
