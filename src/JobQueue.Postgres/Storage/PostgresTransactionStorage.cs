using JobQueue.Storage;
using Npgsql;

namespace JobQueue.Postgres.Storage;

/// <summary>
/// A store view on the application's open transaction, behind <c>jobs.InTransaction(transaction)</c>: every call
/// runs on that transaction's connection, inside it, so enqueued jobs commit or roll back with the application's
/// own writes, and reads see them before the commit.
/// </summary>
/// <remarks>
/// It raises no wake-ups and hears none: nothing it writes is visible to listeners before the transaction commits,
/// and it cannot know when, or whether, that happens. Its capabilities say so, and the engine polls instead.
/// </remarks>
internal sealed partial class PostgresTransactionStorage : IJobStorage
{
    // Every call runs in this savepoint of the caller's transaction.
    private const string Savepoint = "jobqueue_call";

    private readonly NpgsqlTransaction _transaction;
    private readonly PostgresJobCommands _commands;

    public PostgresTransactionStorage(NpgsqlTransaction transaction, string schema)
    {
        _transaction = transaction;
        _commands = new PostgresJobCommands(new PostgresSql(schema), autocommit: false);
    }

    public StorageCapabilities Capabilities { get; } = new();

    public async ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Jobs.Count == 0 && request.Batch is null)
        {
            return [];
        }

        return await RunAsync((c, ct) => _commands.EnqueueAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Limits is null
            ? await RunAsync((c, ct) => _commands.FetchAsync(c, request, ct), cancellationToken).ConfigureAwait(false)
            : await RunAsync((c, ct) => _commands.FetchWithLimitsAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        return leases.Count == 0 ? [] : await RunAsync((c, ct) => _commands.ExtendLeasesAsync(c, leases, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return reports.Count == 0 ? [] : await RunAsync((c, ct) => _commands.ReportProgressAsync(c, reports, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reschedules);
        return reschedules.Count == 0 ? [] : await RunAsync((c, ct) => _commands.RescheduleAsync(c, reschedules, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        return completions.Count == 0 ? [] : await RunAsync((c, ct) => _commands.CompleteAsync(c, completions, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failures);
        return failures.Count == 0 ? [] : await RunAsync((c, ct) => _commands.FailAsync(c, failures, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.RescueExpiredLeasesAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> PromoteDueJobsAsync(PromoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.PromoteDueJobsAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(CancelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Ids, nameof(request));
        return await RunAsync((c, ct) => _commands.CancelAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.PruneAsync(c, request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Count == 0 ? [] : await RunAsync((c, ct) => _commands.GetJobsAsync(c, ids, ct), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken) =>
        await RunAsync((c, ct) => _commands.GetBatchAsync(c, id, ct), cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken) =>
        await RunAsync(_commands.GetQueueStatisticsAsync, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(CancellationToken cancellationToken) =>
        await RunAsync(_commands.GetReadyQueuesAsync, cancellationToken).ConfigureAwait(false);

    // Never called while the capabilities say there is no signal; completing at once is a valid spurious wake-up.
    public ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Runs <paramref name="work"/> on the caller's connection inside a savepoint of the caller's transaction, so a
    /// failure undoes this call's writes and leaves the caller's transaction usable.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = _transaction.Connection ?? throw TransactionCompleted();

        // Every call, not only those of several statements, runs in a savepoint: Npgsql refuses SaveAsync on a
        // completed transaction, where a bare statement would silently autocommit outside the caller's transaction.
        try
        {
            await _transaction.SaveAsync(Savepoint, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw TransactionCompleted(e);
        }

        try
        {
            T result = await work(connection, cancellationToken).ConfigureAwait(false);
            await _transaction.ReleaseAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception) when (connection.State == System.Data.ConnectionState.Open)
        {
            await _transaction.RollbackAsync(Savepoint, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static InvalidOperationException TransactionCompleted(Exception? inner = null) => new(
        "The transaction given to InTransaction has already committed or rolled back; use the client before the transaction ends.", inner);
}
