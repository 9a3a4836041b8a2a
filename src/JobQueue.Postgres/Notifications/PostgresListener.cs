using Microsoft.Extensions.Logging;
using JobQueue.Signals;
using Npgsql;

namespace JobQueue.Postgres.Notifications;

/// <summary>
/// One listening connection per store: LISTENs on the schema's channel and turns notifications into work, finish and
/// change signals. Reconnects with exponential backoff when the server goes away; after every (re)connect it
/// wakes every waiter, because notifications sent while it was not listening are lost.
/// </summary>
internal sealed class PostgresListener : IAsyncDisposable
{
    // A connection that died silently (a network partition) shows up only when used: ping while idle.
    private static readonly TimeSpan s_pingInterval = TimeSpan.FromSeconds(15);

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly PostgresStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // Signals start set: notifications sent before this process listened are unknown.
    private readonly WorkSignals _work = new(startSet: true);
    private readonly FinishWaiters _finish = new();

    // Waiters for any change of a job ("c:", and every finish): the same bookkeeping as the finish waiters.
    private readonly FinishWaiters _changes = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _loop;

    public PostgresListener(NpgsqlDataSource dataSource, string channel, PostgresStorageOptions options, TimeProvider time, ILogger logger)
    {
        _dataSource = dataSource;
        _channel = channel;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts listening on first use; completes once the first LISTEN is in place.</summary>
    public Task EnsureListeningAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }

        return _listening.Task.IsCompleted ? Task.CompletedTask : _listening.Task.WaitAsync(cancellationToken);
    }

    public Task WaitForWorkAsync(string queue, CancellationToken cancellationToken) =>
        _work.WaitAsync(queue, cancellationToken);

    public FinishWaiters.Registration RegisterFinish(JobId id) => _finish.Register(id);

    public FinishWaiters.Registration RegisterChange(JobId id) => _changes.Register(id);

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        TimeSpan delay = _options.MinReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN \"{_channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }

                bool reconnected = delay > _options.MinReconnectDelay;
                delay = _options.MinReconnectDelay;

                // Waiters first, then whoever learns that listening has begun (callers of EnsureListeningAsync, readers
                // of the log): a wait that begins after that finds this wake-up already raised (or, on a new queue, the
                // set signal it starts with), instead of consuming the one and being followed by another a moment later.
                WakeEveryone();
                _listening.TrySetResult();
                if (reconnected)
                {
                    PostgresLog.ListenerReconnected(_logger, _channel);
                }

                while (true)
                {
                    if (!await connection.WaitAsync(s_pingInterval, stopping).ConfigureAwait(false))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                // The server restarted, refused us, or the network failed: waiters re-read (the engine also polls),
                // and this loop retries with backoff, never crashing the host.
                PostgresLog.ListenerLost(_logger, _channel, delay, e);
                WakeEveryone();
                try
                {
                    await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        string payload = e.Payload;
        if (payload.StartsWith("w:", StringComparison.Ordinal))
        {
            _work.Set(payload[2..]);
        }
        else if (payload.StartsWith("f:", StringComparison.Ordinal))
        {
            // A comma-separated list: a call that finishes many jobs sends one notification for them.
            _finish.Finished(payload.AsSpan(2));
            _changes.Finished(payload.AsSpan(2));
        }
        else if (payload.StartsWith("c:", StringComparison.Ordinal))
        {
            _changes.Finished(payload.AsSpan(2));
        }
    }

    private void WakeEveryone()
    {
        _work.SetAll();

        _finish.All();
        _changes.All();
    }
}
