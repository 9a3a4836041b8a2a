using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

internal sealed partial class PostgresTransactionStorage
{
    public async ValueTask SaveJobLogsAsync(IReadOnlyList<JobLogWrite> logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.Count > 0)
        {
            await RunAsync((c, ct) => _commands.SaveJobLogsAsync(c, logs, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<IReadOnlyList<StoredJobLog>> GetJobLogsAsync(JobId id, CancellationToken cancellationToken) =>
        await RunAsync((c, ct) => _commands.GetJobLogsAsync(c, id, ct), cancellationToken).ConfigureAwait(false);
}
