using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteTransactionStorage
{
    public async ValueTask SaveJobLogsAsync(IReadOnlyList<JobLogWrite> logs, CancellationToken cancellationToken)
        => await Write(writer => writer.SaveJobLogs(logs), cancellationToken).ConfigureAwait(false);

    public ValueTask<IReadOnlyList<StoredJobLog>> GetJobLogsAsync(JobId id, CancellationToken cancellationToken)
        => Read(reader => reader.GetJobLogs(id), cancellationToken);
}
