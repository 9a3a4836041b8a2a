using JobQueue.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JobQueue.Postgres.Storage;

/// <summary>
/// Migrates the schema when the application starts, before the worker host, so that a first transactional enqueue
/// (which runs on the caller's connection and never migrates) finds the tables in place. A server that cannot be
/// reached does not stop the application: the migration goes on in the background with backoff, logging what it
/// waits for, and every pooled call of the store tries it again too, so work begins once the server answers.
/// </summary>
internal sealed class PostgresSchemaStartup : IHostedService, IDisposable
{
    private readonly IJobStorage _storage;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;

    public PostgresSchemaStartup(IJobStorage storage, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        _storage = storage;
        _logger = loggerFactory?.CreateLogger("JobQueue.Postgres") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_storage is not PostgresJobStorage postgres)
        {
            return;
        }

        try
        {
            await postgres.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsUnreachable(exception) && !cancellationToken.IsCancellationRequested)
        {
            // The application starts anyway: a web process that only enqueues gets a clear error per call until the
            // server is back, and workers back off and retry, instead of the whole process refusing to start.
            _retrying = RetryAsync(postgres, exception, _stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_retrying is { } retrying)
        {
            await retrying.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>A fault of the connection or the server, as opposed to a schema or permission problem the user must fix.</summary>
    private static bool IsUnreachable(Exception exception)
        => exception is NpgsqlException { IsTransient: true } or TimeoutException
            || (exception is NpgsqlException && exception.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException);

    private async Task RetryAsync(PostgresJobStorage postgres, Exception first, CancellationToken stopping)
    {
        TimeSpan delay = TimeSpan.FromSeconds(1);
        Exception last = first;
        while (!stopping.IsCancellationRequested)
        {
            PostgresLog.SchemaWaiting(_logger, postgres.Schema, delay, last);
            try
            {
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                await postgres.EnsureSchemaAsync(stopping).ConfigureAwait(false);
                PostgresLog.SchemaReady(_logger, postgres.Schema);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever the server says is logged and tried again; the application keeps running.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                last = exception;
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
