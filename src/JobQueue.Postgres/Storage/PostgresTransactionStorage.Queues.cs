using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

internal sealed partial class PostgresTransactionStorage
{
    public async ValueTask<bool> PauseQueueAsync(PauseQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Inside the caller's transaction: the pause takes effect, and its lock is released, when that commits.
        return await RunAsync((c, ct) => _commands.PauseQueueAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> ResumeQueueAsync(ResumeQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.ResumeQueueAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(CancellationToken cancellationToken) =>
        await RunAsync(_commands.GetPausedQueuesAsync, cancellationToken).ConfigureAwait(false);
}
