using JobQueue.Administration;
using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

// Job administration: listing, retry, delete and the throughput counts. Each retry or delete of a job is one statement.
internal sealed partial class PostgresTransactionStorage
{
    public async ValueTask<StoredJobPage> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        AdminArguments.Check(query);
        return await RunAsync((c, ct) => _commands.QueryJobsAsync(c, query, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<RetryOutcome>> RetryAsync(RetryRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        return request.Ids.Count == 0 ? [] : await RunAsync((c, ct) => _commands.RetryAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<DeleteOutcome>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        return request.Ids.Count == 0 ? [] : await RunAsync((c, ct) => _commands.DeleteAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<ThroughputBucket>> GetThroughputAsync(ThroughputQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await RunAsync((c, ct) => _commands.GetThroughputAsync(c, query, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> PruneThroughputAsync(ThroughputPruneRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        return await RunAsync((c, ct) => _commands.PruneThroughputAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }
}
