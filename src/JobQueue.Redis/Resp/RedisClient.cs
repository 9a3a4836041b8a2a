using System.Runtime.CompilerServices;
using JobQueue.Redis.Scripts;

namespace JobQueue.Redis.Resp;

/// <summary>
/// The shared, multiplexed connection to one Redis server: every caller's commands go over one socket with
/// automatic pipelining, and a lost connection is replaced on the next command, with backoff while the
/// server stays unreachable. Blocking and pub/sub work gets its own connection through <see cref="ConnectDedicatedAsync"/>.
/// </summary>
/// <remarks>
/// Redis Cluster: a deployment keeps all its keys in one hash slot (the prefix is a hash tag), so one node
/// serves every command. The client therefore follows a <c>MOVED</c> reply by moving as a whole to the named
/// node (no slot map), and an <c>ASK</c> reply (the slot is migrating) by asking the named node once, on a
/// connection of its own, after <c>ASKING</c>. Both count towards <see cref="MaxRedirects"/> per command.
/// With several endpoints in the connection string, a connect tries the node the client was last on and
/// then each endpoint in order, so any reachable node of the cluster is a way in.
/// </remarks>
internal sealed class RedisClient : IAsyncDisposable
{
    /// <summary>How many MOVED or ASK replies one command follows before it fails with <see cref="RedisClusterException"/>.</summary>
    public const int MaxRedirects = 5;

    private static readonly TimeSpan s_minBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly TimeProvider _time;
    private RespConnection? _connection;

    // The node the client is on: the last one it connected to or was sent to by MOVED. Boxed so dedicated
    // connections read it without the connect lock and never see a torn struct.
    private StrongBox<RedisEndpoint>? _current;

    // Connections left behind by a MOVED, closing once their in-flight replies are in (written under _connectLock).
    private Task _retiring = Task.CompletedTask;
    private int _failedAttempts;
    private DateTimeOffset _nextAttemptAt;
    private bool _disposed;

    public RedisClient(RedisConnectionOptions options, TimeProvider? time = null)
    {
        Options = options;
        _time = time ?? TimeProvider.System;
    }

    public RedisConnectionOptions Options { get; }

    /// <summary>The node the client is on, or null before its first connect.</summary>
    public RedisEndpoint? CurrentEndpoint => Volatile.Read(ref _current)?.Value;

    /// <summary>
    /// Sends one command over the shared connection, reconnecting first if it was lost, and following Redis
    /// Cluster redirects.
    /// </summary>
    /// <exception cref="RedisClusterException">The cluster redirected the command more than <see cref="MaxRedirects"/> times.</exception>
    public async Task<RespValue> ExecuteAsync(RespCommand command, CancellationToken cancellationToken)
    {
        List<RedisEndpoint>? path = null;
        RedisEndpoint? asking = null;
        for (int redirects = 0; ; redirects++)
        {
            RedisEndpoint from = default;
            try
            {
                if (asking is RedisEndpoint target)
                {
                    from = target;
                    return await AskAsync(target, command, cancellationToken).ConfigureAwait(false);
                }

                (Task<RespValue> reply, from) = await SendAsync(command, cancellationToken).ConfigureAwait(false);
                return await reply.ConfigureAwait(false);
            }
            catch (RedisServerException exception) when (RedisRedirect.TryParse(exception.ServerMessage, from.Host, out RedisRedirect redirect))
            {
                path ??= [from];
                path.Add(redirect.Target);
                if (redirects == MaxRedirects)
                {
                    throw new RedisClusterException(
                        $"Redis Cluster redirected {command.Name} for slot {redirect.Slot} {redirects + 1} times ({string.Join(" -> ", path)}); " +
                        "the slot is being moved, or the nodes disagree about who owns it. Compare CLUSTER SHARDS on these nodes.",
                        exception);
                }

                // ASK is for this one command only; MOVED is where the slot lives now, for every later command too.
                asking = redirect.IsAsk ? redirect.Target : null;
                if (!redirect.IsAsk)
                {
                    await MoveToAsync(redirect.Target, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Hands the command to the shared connection; returns its reply and the node it went to.</summary>
    /// <remarks>
    /// A caller can take the connection just before a MOVED reply to another caller retires it (see
    /// <see cref="MoveToAsync"/>). Once the retired connection's last replies are in, it is closed and refuses new
    /// commands; a command it refused never left the client, so it goes to the connection that replaced it instead
    /// of failing a caller who did nothing wrong.
    /// </remarks>
    private async Task<(Task<RespValue> Reply, RedisEndpoint From)> SendAsync(RespCommand command, CancellationToken cancellationToken)
    {
        while (true)
        {
            RespConnection connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return (connection.ExecuteAsync(command, cancellationToken), connection.Endpoint);
            }
            catch (RedisConnectionException exception) when (exception.CommandNotSent && IsRetired(connection))
            {
                // Replaced already: the next turn takes the current connection.
            }
        }
    }

    /// <summary>Whether this client closed <paramref name="connection"/> itself after moving off it, while still open for use.</summary>
    private bool IsRetired(RespConnection connection)
        => !_disposed && connection.Failure is ObjectDisposedException && !ReferenceEquals(Volatile.Read(ref _connection), connection);

    /// <summary>
    /// Runs a script by SHA1; when the server does not know it (NOSCRIPT: first use, restart, SCRIPT FLUSH,
    /// or a cluster node the client was just redirected to) sends the text with EVAL, which also caches it
    /// for the next EVALSHA.
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

    /// <summary>
    /// Opens a connection of its own for blocking commands or pub/sub, to the node the client is on (else the
    /// first endpoint that answers); the caller owns and disposes it.
    /// </summary>
    public async Task<RespConnection> ConnectDedicatedAsync(Action<RespValue>? onPush, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return await ConnectAnyAsync(onPush, cancellationToken).ConfigureAwait(false);
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

        // Read without the connect lock, which a caller may hold through a backoff: a connection retired after
        // this read still closes on its own, within the command timeout.
        await Volatile.Read(ref _retiring).ConfigureAwait(false);
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

    /// <summary>
    /// Closes a connection once every command already sent on it has its reply: replies come in order, so
    /// the answer to a PING sent last means the earlier ones are in. Closing at once would fail commands that
    /// are about to be answered (most with MOVED, to be retried, but some may have run).
    /// </summary>
    private static async Task RetireAsync(RespConnection connection)
    {
        try
        {
            await connection.ExecuteAsync(new RespCommand("PING"), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisConnectionException or RedisServerException or RedisTimeoutException)
        {
            // Lost or slow: it is closed below either way, and its callers got their own errors.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Asks <paramref name="target"/> for one command during a slot migration: ASKING applies to the next
    /// command on the same connection only, so both go on a short-lived connection of their own and the
    /// shared one stays on the node that owns the slot.
    /// </summary>
    private async Task<RespValue> AskAsync(RedisEndpoint target, RespCommand command, CancellationToken cancellationToken)
    {
        RespConnection connection = await RespConnection.ConnectAsync(Options with { Host = target.Host, Port = target.Port }, onPush: null, cancellationToken).ConfigureAwait(false);
        try
        {
            // Queued in this order before either is awaited, so they are written (and answered) in this order.
            Task<RespValue> asking = connection.ExecuteAsync(new RespCommand("ASKING"), cancellationToken);
            Task<RespValue> reply = connection.ExecuteAsync(command, cancellationToken);
            await Task.WhenAll(asking, reply).ConfigureAwait(false);
            return await reply.ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Points the client at the node a MOVED reply named. Callers that got MOVED from the same connection
    /// race here; the first moves the client and the rest find it already there.
    /// </summary>
    private async Task MoveToAsync(RedisEndpoint target, CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _current)?.Value == target)
            {
                return;
            }

            Volatile.Write(ref _current, new StrongBox<RedisEndpoint>(target));
            RespConnection? old = Interlocked.Exchange(ref _connection, null);
            if (old is not null)
            {
                Volatile.Write(ref _retiring, Task.WhenAll(_retiring, RetireAsync(old)));
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// Connects to the node the client is on, else to each endpoint of the connection string in order, and
    /// returns the first connection that completes its handshake.
    /// </summary>
    /// <exception cref="RedisConnectionException">No endpoint could be reached; the message names each one's failure.</exception>
    private async Task<RespConnection> ConnectAnyAsync(Action<RespValue>? onPush, CancellationToken cancellationToken)
    {
        var candidates = new List<RedisEndpoint>(Options.Endpoints.Count + 1);
        if (CurrentEndpoint is RedisEndpoint current)
        {
            candidates.Add(current);
        }

        foreach (RedisEndpoint endpoint in Options.Endpoints)
        {
            if (!candidates.Contains(endpoint))
            {
                candidates.Add(endpoint);
            }
        }

        List<RedisConnectionException>? failures = null;
        foreach (RedisEndpoint endpoint in candidates)
        {
            try
            {
                return await RespConnection.ConnectAsync(Options with { Host = endpoint.Host, Port = endpoint.Port }, onPush, cancellationToken).ConfigureAwait(false);
            }
            catch (RedisConnectionException exception)
            {
                (failures ??= []).Add(exception);
            }
        }

        // One endpoint keeps its own, specific message; several are summed up, each with its reason.
        throw failures!.Count == 1
            ? failures[0]
            : new RedisConnectionException(
                $"Cannot connect to any of the {failures.Count} Redis endpoints: {string.Join(" ", failures.Select(static f => f.Message))}",
                new AggregateException(failures));
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
                current = await ConnectAnyAsync(onPush: null, cancellationToken).ConfigureAwait(false);
            }
            catch (RedisConnectionException)
            {
                _failedAttempts++;
                _nextAttemptAt = _time.GetUtcNow() + Backoff(_failedAttempts);
                throw;
            }

            _failedAttempts = 0;
            _nextAttemptAt = default;
            Volatile.Write(ref _current, new StrongBox<RedisEndpoint>(current.Endpoint));
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
