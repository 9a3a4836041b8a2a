namespace JobQueue.Redis.Resp;

/// <summary>
/// The shared, multiplexed connection to one Redis server: every caller's commands go over one socket with
/// automatic pipelining, and a lost connection is replaced on the next command, with backoff while the
/// server stays unreachable. Blocking and pub/sub work gets its own connection through <see cref="ConnectDedicatedAsync"/>.
/// </summary>
internal sealed class RedisClient : IAsyncDisposable
{
    private static readonly TimeSpan s_minBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly TimeProvider _time;
    private RespConnection? _connection;
    private int _failedAttempts;
    private DateTimeOffset _nextAttemptAt;
    private bool _disposed;

    public RedisClient(RedisConnectionOptions options, TimeProvider? time = null)
    {
        Options = options;
        _time = time ?? TimeProvider.System;
    }

    public RedisConnectionOptions Options { get; }

    /// <summary>Sends one command over the shared connection, reconnecting first if it was lost.</summary>
    public async Task<RespValue> ExecuteAsync(RespCommand command, CancellationToken cancellationToken)
    {
        RespConnection connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a script by SHA1; when the server does not know it (NOSCRIPT: first use, restart, SCRIPT FLUSH)
    /// sends the text with EVAL, which also caches it for the next EVALSHA.
    /// </summary>
    public async Task<RespValue> EvalAsync(RedisScript script, IReadOnlyList<string> keys, RespCommand arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync(BuildEval("EVALSHA", script.Sha1, keys, arguments), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Code == "NOSCRIPT")
        {
            return await ExecuteAsync(BuildEval("EVAL", script.Text, keys, arguments), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens a connection of its own for blocking commands or pub/sub; the caller owns and disposes it.</summary>
    public Task<RespConnection> ConnectDedicatedAsync(Action<RespValue>? onPush, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return RespConnection.ConnectAsync(Options, onPush, cancellationToken);
    }

    /// <summary>The wait before reconnect attempt <paramref name="failedAttempts"/> + 1: doubling from 50 ms, capped at 2 s.</summary>
    internal static TimeSpan Backoff(int failedAttempts)
    {
        if (failedAttempts <= 0)
        {
            return TimeSpan.Zero;
        }

        double milliseconds = s_minBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempts - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, s_maxBackoff.TotalMilliseconds));
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        RespConnection? connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static RespCommand BuildEval(string verb, string scriptOrSha, IReadOnlyList<string> keys, RespCommand arguments)
    {
        var command = new RespCommand(verb).Add(scriptOrSha).Add(keys.Count);
        foreach (string key in keys)
        {
            command.Add(key);
        }

        return command.Add(arguments);
    }

    private async ValueTask<RespConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        RespConnection? current = Volatile.Read(ref _connection);
        if (current is { IsAlive: true })
        {
            return current;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _connection;
            if (current is { IsAlive: true })
            {
                return current;
            }

            // Backoff between attempts keeps a down server from being hammered by every caller; callers wait
            // for the next attempt rather than failing at once, so work resumes as soon as the server is back.
            TimeSpan wait = _nextAttemptAt - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            if (current is not null)
            {
                await current.DisposeAsync().ConfigureAwait(false);
            }

            try
            {
                current = await RespConnection.ConnectAsync(Options, onPush: null, cancellationToken).ConfigureAwait(false);
            }
            catch (RedisConnectionException)
            {
                _failedAttempts++;
                _nextAttemptAt = _time.GetUtcNow() + Backoff(_failedAttempts);
                throw;
            }

            _failedAttempts = 0;
            _nextAttemptAt = default;
            Volatile.Write(ref _connection, current);
            if (_disposed)
            {
                await current.DisposeAsync().ConfigureAwait(false);
                throw new ObjectDisposedException(nameof(RedisClient));
            }

            return current;
        }
        finally
        {
            _connectLock.Release();
        }
    }
}
