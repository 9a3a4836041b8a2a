using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// A store view on the application's open transaction, behind <c>jobs.InTransaction(transaction)</c>: every call
/// runs inside that transaction, so enqueued jobs commit or roll back with the application's own writes, and
/// reads see them before the commit.
/// </summary>
/// <remarks>
/// It raises no wake-ups: it cannot know when, or whether, the transaction commits. Its capabilities say so, and
/// the engine polls instead; workers find the jobs at their next poll after the commit.
/// </remarks>
internal sealed partial class SqliteTransactionStorage : IJobStorage
{
    private readonly SqliteTransaction _transaction;

    public SqliteTransactionStorage(SqliteTransaction transaction)
    {
        _transaction = transaction;
    }

    public StorageCapabilities Capabilities { get; } = new();

    public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.Enqueue(request), cancellationToken);

    public ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.Fetch(request), cancellationToken);

    public ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken)
        => Write(writer => writer.ExtendLeases(leases), cancellationToken);

    public ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken)
        => Write(writer => writer.Complete(completions), cancellationToken);

    public ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken)
        => Write(writer => writer.Fail(failures), cancellationToken);

    public ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken)
        => Write(writer => writer.Reschedule(reschedules), cancellationToken);

    public ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken)
        => Write(writer => writer.ReportProgress(reports), cancellationToken);

    public ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.RescueExpiredLeases(request), cancellationToken);

    public ValueTask<int> PromoteDueJobsAsync(PromoteRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.PromoteDueJobs(request.Now, request.Limit), cancellationToken);

    public ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(CancelRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.Cancel(request.Ids, request.Now), cancellationToken);

    public ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
        => Read(reader => reader.GetJobs(ids), cancellationToken);

    public ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken)
        => Read(reader => reader.GetBatch(id), cancellationToken);

    public ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken)
        => Read(reader => reader.GetQueueStatistics(), cancellationToken);

    public ValueTask<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(CancellationToken cancellationToken)
        => Read(reader => reader.GetReadyQueues(), cancellationToken);

    public ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken)
        => Write(writer => writer.Prune(request), cancellationToken);

    // Never called while the capabilities say there is no signal; completing at once is a valid spurious wake-up.
    public ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private ValueTask<T> Write<T>(Func<SqliteJobWriter, T> operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SqliteConnection connection = OpenConnection();
        try
        {
            // Compiled statements last for this call only: the connection is the application's, not the store's.
            using var statements = new SqliteStatementCache(connection, writeLockHeld: false) { Transaction = _transaction };
            return ValueTask.FromResult(operation(new SqliteJobWriter(statements)));
        }
        catch (SqliteException ex) when (IsMissingSchema(ex))
        {
            throw MissingSchema(connection, ex);
        }
    }

    private ValueTask<T> Read<T>(Func<SqliteJobReader, T> operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SqliteConnection connection = OpenConnection();
        try
        {
            return ValueTask.FromResult(operation(new SqliteJobReader(connection, _transaction)));
        }
        catch (SqliteException ex) when (IsMissingSchema(ex))
        {
            throw MissingSchema(connection, ex);
        }
    }

    private SqliteConnection OpenConnection() => _transaction.Connection
        ?? throw new InvalidOperationException("The SqliteTransaction given to InTransaction has completed; enqueue through a client made for an open transaction.");

    private static bool IsMissingSchema(SqliteException ex)
        => ex.SqliteErrorCode == 1 && ex.Message.Contains("no such table: jobqueue_", StringComparison.Ordinal);

    private static InvalidOperationException MissingSchema(SqliteConnection connection, SqliteException ex) => new(
        $"The database of this transaction ('{connection.DataSource}') has no JobQueue tables. Open the transaction on the file given to UseSqlite (after the store's first use), or apply JobQueueSqliteSchema.GetMigrationScript() to it.",
        ex);
}
