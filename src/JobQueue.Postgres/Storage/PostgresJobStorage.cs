using JobQueue.Postgres.Migrations;
using JobQueue.Postgres.Notifications;
using JobQueue.Signals;
using JobQueue.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JobQueue.Postgres.Storage;

/// <summary>
/// The PostgreSQL store: each call on a connection from the data source, with a listening connection for
/// wake-ups. The view on an application's own transaction is <see cref="PostgresTransactionStorage"/>.
/// </summary>
internal sealed partial class PostgresJobStorage : IJobStorage, IAsyncDisposable
{
    private static readonly StorageCapabilities s_capabilities = new()
    {
        WakeUpSignal = true,
        FinishSignal = true,
        ChangeSignal = true,

        // Each write is a round trip and a commit: concurrent enqueues and completions share them.
        CoalesceWrites = true,
    };

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgresStorageOptions _options;
    private readonly ILogger _logger;
    private readonly PostgresListener _listener;
    private readonly PostgresJobCommands _commands;
    private readonly Lock _migrationGate = new();
    private Task? _migration;

    public PostgresJobStorage(NpgsqlDataSource dataSource, bool ownsDataSource, PostgresStorageOptions options, ILogger logger,
        TimeProvider? time = null)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _options = options;
        _logger = logger;
        _commands = new PostgresJobCommands(new PostgresSql(options.Schema), autocommit: true);
        _listener = new PostgresListener(dataSource, Sql.Channel, options, time ?? TimeProvider.System, logger);
    }

    public StorageCapabilities Capabilities => s_capabilities;

    internal PostgresSql Sql => _commands.Sql;

    internal string Schema => _options.Schema;

    /// <summary>Creates or upgrades the schema once per store (unless turned off); a failure is retried by the next call.</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (!_options.ApplyMigrations)
        {
            return Task.CompletedTask;
        }

        Task migration;
        lock (_migrationGate)
        {
            if (_migration is null || _migration.IsFaulted || _migration.IsCanceled)
            {
                _migration = MigrateAsync();
            }

            migration = _migration;
        }

        return migration.IsCompletedSuccessfully ? Task.CompletedTask : migration.WaitAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Jobs.Count == 0 && request.Batch is null)
        {
            return [];
        }

        return await RunAsync((c, ct) => _commands.EnqueueAsync(c, request, ct), PostgresJobCommands.EnqueueNeedsTransaction(request), cancellationToken)
            .ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // With limits: a transaction of its own (begun and committed inside the fetch's round trips), which holds the
        // schema's flow lock from the read of the candidates to the commit.
        return request.Limits is null
            ? await RunAsync((c, ct) => _commands.FetchAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false)
            : await RunAsync((c, ct) => _commands.FetchWithLimitsAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        return leases.Count == 0 ? [] : await RunAsync((c, ct) => _commands.ExtendLeasesAsync(c, leases, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return reports.Count == 0 ? [] : await RunAsync((c, ct) => _commands.ReportProgressAsync(c, reports, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reschedules);
        return reschedules.Count == 0 ? [] : await RunAsync((c, ct) => _commands.RescheduleAsync(c, reschedules, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        return completions.Count == 0 ? [] : await RunAsync((c, ct) => _commands.CompleteAsync(c, completions, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failures);
        return failures.Count == 0 ? [] : await RunAsync((c, ct) => _commands.FailAsync(c, failures, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.RescueExpiredLeasesAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> PromoteDueJobsAsync(PromoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.PromoteDueJobsAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(CancelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Ids, nameof(request));
        return await RunAsync((c, ct) => _commands.CancelAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync((c, ct) => _commands.PruneAsync(c, request, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Count == 0 ? [] : await RunAsync((c, ct) => _commands.GetJobsAsync(c, ids, ct), atomic: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken) =>
        await RunAsync((c, ct) => _commands.GetBatchAsync(c, id, ct), atomic: false, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken) =>
        await RunAsync(_commands.GetQueueStatisticsAsync, atomic: false, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(CancellationToken cancellationToken) =>
        await RunAsync(_commands.GetReadyQueuesAsync, atomic: false, cancellationToken).ConfigureAwait(false);

    public async ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await _listener.EnsureListeningAsync(cancellationToken).ConfigureAwait(false);
        await _listener.WaitForWorkAsync(queue, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken)
    {
        await _listener.EnsureListeningAsync(cancellationToken).ConfigureAwait(false);

        // Registered before the state is read: a finish between the read and the wait is still seen.
        using FinishWaiters.Registration registration = _listener.RegisterFinish(id);
        if (!await RunAsync((c, ct) => _commands.IsFinishedOrGoneAsync(c, id, ct), atomic: false, cancellationToken).ConfigureAwait(false))
        {
            await registration.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection, once the schema is in place; with <paramref name="atomic"/>,
    /// inside a transaction of its own.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, bool atomic, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!atomic)
        {
            return await work(connection, cancellationToken).ConfigureAwait(false);
        }

        // Disposing without commit rolls back: all or nothing.
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        T value = await work(connection, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return value;
    }

    private async Task MigrateAsync()
    {
        IReadOnlyList<int> applied = await MigrationRunner.MigrateAsync(_dataSource, _options.Schema, CancellationToken.None).ConfigureAwait(false);
        if (applied.Count > 0)
        {
            PostgresLog.MigrationsApplied(_logger, _options.Schema, string.Join(", ", applied));
        }
    }
}
