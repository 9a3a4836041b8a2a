using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteTransactionStorage
{
    public ValueTask<bool> PauseQueueAsync(PauseQueueRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.PauseQueue(request), cancellationToken);

    public ValueTask<bool> ResumeQueueAsync(ResumeQueueRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.ResumeQueue(request), cancellationToken);

    public ValueTask<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(CancellationToken cancellationToken)
        => Read(reader => reader.GetPausedQueues(), cancellationToken);
}
