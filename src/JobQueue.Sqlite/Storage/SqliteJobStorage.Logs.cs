using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteJobStorage
{
    public async ValueTask SaveJobLogsAsync(IReadOnlyList<JobLogWrite> logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.Count > 0)
        {
            // One write transaction for every item.
            await WriteAsync(writer => writer.SaveJobLogs(logs), cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<IReadOnlyList<StoredJobLog>> GetJobLogsAsync(JobId id, CancellationToken cancellationToken)
        => ReadAsync(reader => reader.GetJobLogs(id), cancellationToken);
}
