using JobQueue.Administration;
using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

// Job administration, inside the application's transaction.
internal sealed partial class SqliteTransactionStorage
{
    public ValueTask<StoredJobPage> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        AdminArguments.Check(query);
        return Read(reader => reader.QueryPage(query), cancellationToken);
    }

    public ValueTask<IReadOnlyList<RetryOutcome>> RetryAsync(RetryRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        return Write(writer => writer.Retry(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<DeleteOutcome>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        return Write(writer => writer.Delete(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<ThroughputBucket>> GetThroughputAsync(ThroughputQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Read(reader => reader.GetThroughput(query), cancellationToken);
    }

    public ValueTask<int> PruneThroughputAsync(ThroughputPruneRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        return Write(writer => writer.PruneThroughput(request), cancellationToken);
    }
}
