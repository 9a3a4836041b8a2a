using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

internal sealed partial class PostgresJobStorage
{
    public async ValueTask<bool> PauseQueueAsync(PauseQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // One batch, so one transaction without an explicit one: the lock and the row go together (PostgresSql).
        return await RunAsync((c, ct) => _commands.PauseQueueAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> ResumeQueueAsync(ResumeQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.ResumeQueueAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(CancellationToken cancellationToken) =>
        await RunAsync(_commands.GetPausedQueuesAsync, atomic: false, cancellationToken).ConfigureAwait(false);
}
