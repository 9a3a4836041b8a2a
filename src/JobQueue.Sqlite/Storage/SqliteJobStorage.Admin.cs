using JobQueue.Administration;
using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

// Job administration: listing, retry, delete and the throughput counts.
internal sealed partial class SqliteJobStorage
{
    public ValueTask<StoredJobPage> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        AdminArguments.Check(query);
        return ReadAsync(reader => reader.QueryPage(query), cancellationToken);
    }

    public ValueTask<IReadOnlyList<RetryOutcome>> RetryAsync(RetryRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        return WriteAsync(writer => writer.Retry(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<DeleteOutcome>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        return WriteAsync(writer => writer.Delete(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<ThroughputBucket>> GetThroughputAsync(ThroughputQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(reader => reader.GetThroughput(query), cancellationToken);
    }

    public ValueTask<int> PruneThroughputAsync(ThroughputPruneRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        return WriteAsync(writer => writer.PruneThroughput(request), cancellationToken);
    }
}
