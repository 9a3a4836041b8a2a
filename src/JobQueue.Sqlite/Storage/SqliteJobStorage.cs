using JobQueue.Sqlite.Migrations;
using JobQueue.Sqlite.Notifications;
using JobQueue.Signals;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// The SQLite store: one database file in WAL mode, shared by the processes of one machine.
/// </summary>
/// <remarks>
/// <para>
/// Writes of this process go one at a time through <see cref="_writeGate"/>, on one connection kept open with its
/// compiled statements (<see cref="SqliteWriteConnection"/>): SQLite has a single writer anyway, and queueing them
/// here costs no busy waits. Each write is one BEGIN IMMEDIATE transaction, which takes the
/// write lock before reading, so no read-then-write race with another process is possible; a lock held by another
/// process is waited out (busy_timeout) and retried a bounded number of times (<see cref="SqliteBusyRetry"/>).
/// Reads run on their own pooled connections, concurrently with the writer (WAL).
/// </para>
/// <para>
/// Wake-ups are in-process: writes made through this instance signal waiters after they commit. Other processes'
/// writes are seen by the engine's polling.
/// </para>
/// </remarks>
internal sealed partial class SqliteJobStorage : IJobStorage, IDisposable
{
    private readonly SqliteSettings _settings;
    private readonly SqliteConnectionFactory _connections;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly SqliteSignals _signals = new();
    private volatile bool _initialized;

    // Opened by the first write and kept; used only under _writeGate. Closed after a failed write, which rolls
    // back what that write left open, and opened again by the next write.
    private SqliteWriteConnection? _writeConnection;
    private volatile bool _disposed;

    /// <summary>How often a wait for a job's finish reads the file again, for finishes written by other processes.</summary>
    private static readonly TimeSpan OtherProcessFinishCheck = TimeSpan.FromMilliseconds(200);

    public SqliteJobStorage(SqliteSettings settings, ILogger? logger = null)
    {
        _settings = settings;
        _logger = logger ?? NullLogger.Instance;
        _connections = new SqliteConnectionFactory(settings);
    }

    /// <summary>The database file.</summary>
    public string DataSource => _settings.DataSource;

    public StorageCapabilities Capabilities { get; } = new()
    {
        WakeUpSignal = true,
        FinishSignal = true,

        // Within this process only: a watch sees changes written by another process on its poll.
        ChangeSignal = true,

        // Each write is a BEGIN IMMEDIATE transaction and a WAL commit: concurrent writers share them.
        CoalesceWrites = true,
    };

    public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.Enqueue(request), cancellationToken);
    }

    public ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Limit, 1);
        return Changed(WriteAsync(writer => writer.Fetch(request), cancellationToken));
    }

    public ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        return WriteAsync(writer => writer.ExtendLeases(leases), cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        return WriteAsync(writer => writer.Complete(completions), cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failures);
        return Changed(failures, static item => item.Id, WriteAsync(writer => writer.Fail(failures), cancellationToken));
    }

    public ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reschedules);
        return Changed(reschedules, static item => item.Id, WriteAsync(writer => writer.Reschedule(reschedules), cancellationToken));
    }

    public ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return Changed(reports, static item => item.Id, WriteAsync(writer => writer.ReportProgress(reports), cancellationToken));
    }

    public ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Changed(WriteAsync(writer => writer.RescueExpiredLeases(request), cancellationToken));
    }

    public ValueTask<int> PromoteDueJobsAsync(PromoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(writer => writer.PromoteDueJobs(request.Now, request.Limit), cancellationToken);
    }

    public ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(CancelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Ids, nameof(request));
        return WriteAsync(writer => writer.Cancel(request.Ids, request.Now), cancellationToken);
    }

    public ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ReadAsync(reader => reader.GetJobs(ids), cancellationToken);
    }

    public ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken)
        => ReadAsync(reader => reader.GetBatch(id), cancellationToken);

    public ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken)
        => ReadAsync(reader => reader.GetQueueStatistics(), cancellationToken);

    public ValueTask<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(CancellationToken cancellationToken)
        => ReadAsync(reader => reader.GetReadyQueues(), cancellationToken);

    public ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken)
        => WriteAsync(writer => writer.Prune(request), cancellationToken);

    public async ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await _signals.Work.WaitAsync(queue, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken)
    {
        // Registered before the read: a finish committed after the read signals this registration.
        using FinishWaiters.Registration registration = _signals.Finished.Register(id);
        while (true)
        {
            JobState? state = await ReadAsync(reader => reader.GetState(id), cancellationToken).ConfigureAwait(false);
            if (state is null or JobState.Succeeded or JobState.Failed or JobState.Cancelled)
            {
                return;
            }

            // The signal covers finishes written by this process; one written by a worker in another process on
            // the same file is noticed by reading the job again after a short while.
            try
            {
                await registration.Finished.WaitAsync(OtherProcessFinishCheck, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>Closes the write connection and the pooled ones, so the file and its -wal and -shm files are released.</summary>
    public void Dispose()
    {
        // Waits for a write in flight to finish: the write connection is not closed under it.
        _writeGate.Wait();
        try
        {
            _disposed = true;
            _writeConnection?.Dispose();
            _writeConnection = null;
        }
        finally
        {
            _writeGate.Release();
        }

        using var connection = new SqliteConnection(_settings.ConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async ValueTask<T> WriteAsync<T>(Func<SqliteJobWriter, T> operation, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        WriteEffects? effects = null;
        T result;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            result = await SqliteBusyRetry.RunAsync(_settings, _logger, () =>
            {
                SqliteWriteConnection connection = _writeConnection ??= SqliteWriteConnection.Open(_connections);
                try
                {
                    return connection.Write(operation, out effects);
                }
                catch
                {
                    _writeConnection = null;
                    connection.Dispose();
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }

        _signals.Signal(effects!);
        return result;
    }

    private async ValueTask<T> ReadAsync<T>(Func<SqliteJobReader, T> operation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteBusyRetry.RunAsync(_settings, _logger, () =>
        {
            using SqliteConnection connection = _connections.Open();

            // A deferred transaction: one snapshot for a multi-row read, without taking the write lock.
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
            return operation(new SqliteJobReader(connection, transaction));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            string journalMode = "";
            IReadOnlyList<int> applied = await SqliteBusyRetry.RunAsync(_settings, _logger, () =>
            {
                using SqliteConnection connection = _connections.Open();
                try
                {
                    journalMode = EnableWal(connection);
                    if (_settings.Options.ApplyMigrations)
                    {
                        return SqliteMigrator.Migrate(connection, _settings.DataSource);
                    }

                    SqliteMigrator.Verify(connection, _settings.DataSource);
                    return [];
                }
                catch (SqliteException ex) when (!SqliteBusyRetry.IsBusy(ex))
                {
                    throw SqliteConnectionFactory.CannotUse(_settings.DataSource, ex);
                }
            }, cancellationToken).ConfigureAwait(false);

            // Logged after the migration transaction committed: a busy try rolled back what it had applied.
            if (applied.Count > 0)
            {
                SqliteLog.MigrationsApplied(_logger, _settings.DataSource, string.Join(", ", applied));
            }

            SqliteLog.DatabaseOpened(_logger, _settings.DataSource, journalMode, JobQueueSqliteSchema.LatestVersion);
            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <summary>WAL lets readers run beside the one writer; the mode is stored in the file, so this is a no-op after the first time.</summary>
    /// <returns>The journal mode the file reports ("wal").</returns>
    private string EnableWal(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        string? mode = command.ExecuteScalar() as string;
        if (mode is null || !string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The SQLite database '{_settings.DataSource}' could not switch to WAL journal mode (it reports '{mode}'). WAL needs a local file system; network shares are not supported.");
        }

        return mode;
    }
}
