using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteJobStorage
{
    public ValueTask<bool> PauseQueueAsync(PauseQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // A write like a fetch: SQLite's single writer orders every fetch wholly before or after it.
        return WriteAsync(writer => writer.PauseQueue(request), cancellationToken);
    }

    public ValueTask<bool> ResumeQueueAsync(ResumeQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.ResumeQueue(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(CancellationToken cancellationToken)
        => ReadAsync(reader => reader.GetPausedQueues(), cancellationToken);
}
