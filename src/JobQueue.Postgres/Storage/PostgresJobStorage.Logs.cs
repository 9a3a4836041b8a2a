using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

internal sealed partial class PostgresJobStorage
{
    public async ValueTask SaveJobLogsAsync(IReadOnlyList<JobLogWrite> logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.Count > 0)
        {
            // One statement for every item: atomic without an explicit transaction.
            await RunAsync((c, ct) => _commands.SaveJobLogsAsync(c, logs, ct), atomic: false, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<IReadOnlyList<StoredJobLog>> GetJobLogsAsync(JobId id, CancellationToken cancellationToken) =>
        await RunAsync((c, ct) => _commands.GetJobLogsAsync(c, id, ct), atomic: false, cancellationToken).ConfigureAwait(false);
}
