using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace JobQueue.Redis.Resp;

/// <summary>
/// One socket to Redis with automatic pipelining: commands from any number of concurrent callers are copied
/// into one buffer, whichever caller finds no write in progress sends everything buffered in one socket write,
/// and the reader matches replies to commands in the order they were written (Redis answers in order on a
/// connection).
/// </summary>
/// <remarks>
/// Any failure (socket error, end of stream, malformed bytes) is final for the connection: framing can no
/// longer be trusted, so every queued and written command fails with <see cref="RedisConnectionException"/>
/// and the owner makes a new connection. A connection built with a push handler is a pub/sub connection:
/// subscribe confirmations and messages go to the handler instead of being matched to commands.
/// </remarks>
internal sealed class RespConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private const int InitialBufferSize = 4096;

    // A buffer grown past this by a large bulk write is dropped after use rather than kept for the connection's life.
    private const int RetainedBufferSize = 1024 * 1024;

    private readonly PipeReader _reader;
    private readonly string _endpoint;
    private readonly TimeSpan _commandTimeout;
    private readonly Action<RespValue>? _onPush;

    // Guards _buffered, _sending and the order of _written: a command's bytes and its place in the reply
    // order are taken together, so replies match callers however many threads write at once.
    private readonly Lock _writeLock = new();

    // Commands encoded but not yet handed to the socket, and the buffer the sending caller is writing out.
    private ArrayBufferWriter<byte> _buffered = new(InitialBufferSize);
    private ArrayBufferWriter<byte> _sendBuffer = new(InitialBufferSize);
    private bool _sending;

    // Written commands in write order; only the read loop dequeues, so order is the server's reply order.
    private readonly ConcurrentQueue<PendingCommand> _written = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _timeoutSweep;
    private Exception? _failure;

    // The read loop's state; only the thread running the loop touches it (see ReadLoop).
    private readonly Action _onReadCompleted;
    private readonly TaskCompletionSource _readerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ValueTask<ReadResult> _pendingRead;
    private bool _started;

    // The last reply or push parsed, not yet delivered: it is delivered on the reader's thread once the next socket
    // read is registered (see ReadLoop). _heldBack is the command a held-back reply answers, null for a push.
    private bool _holding;
    private PendingCommand? _heldBack;
    private RespValue _heldBackValue = RespValue.Null;

    internal RespConnection(Stream stream, RedisEndpoint endpoint, TimeSpan commandTimeout, Action<RespValue>? onPush)
    {
        _stream = stream;
        Endpoint = endpoint;
        _endpoint = endpoint.ToString();
        _commandTimeout = commandTimeout;
        _onPush = onPush;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _onReadCompleted = OnReadCompleted;

        // One timer per connection instead of one per command: replies come in order, so the sweep only looks
        // at the oldest unanswered commands. A command times out between syncTimeout and syncTimeout + period.
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(commandTimeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _timeoutSweep = TimeProvider.System.CreateTimer(static state => ((RespConnection)state!).FailTimedOut(), this, period, period);
    }

    /// <summary>The server this connection goes to.</summary>
    public RedisEndpoint Endpoint { get; }

    /// <summary>False once the connection failed or was disposed; it never recovers.</summary>
    public bool IsAlive => Volatile.Read(ref _failure) is null;

    /// <summary>Completes when the connection has failed or was disposed, with the reason.</summary>
    public Task Closed => _closed.Task;

    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Connects, authenticates and selects the database, all within the connect timeout.</summary>
    /// <exception cref="RedisConnectionException">The server is unreachable, too slow, or refused the handshake.</exception>
    public static async Task<RespConnection> ConnectAsync(RedisConnectionOptions options, Action<RespValue>? onPush, CancellationToken cancellationToken)
    {
        var address = new RedisEndpoint(options.Host, options.Port);
        string endpoint = address.ToString();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        RespConnection? connection = null;
        ServerCertificateCheck? certificateCheck = null;
        bool tlsPending = false;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                certificateCheck = new ServerCertificateCheck(options);
                tlsPending = true;
                await ssl.AuthenticateAsClientAsync(certificateCheck.CreateAuthenticationOptions(), timeout.Token).ConfigureAwait(false);
                tlsPending = false;
            }

            connection = new RespConnection(stream, address, options.CommandTimeout, onPush);
            connection.Start();
            await connection.HandshakeAsync(options, timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await DisposeFailedAsync(connection, stream, socket).ConfigureAwait(false);
            throw exception switch
            {
                RedisServerException server => new RedisConnectionException($"Redis at {endpoint} refused the connection handshake: {server.Message}", server),
                // A plain-text port reads the TLS hello as the start of a command and never answers, so the
                // handshake runs into the timeout; saying so points at the likely cause, the wrong port.
                OperationCanceledException when tlsPending => new RedisConnectionException($"TLS with Redis at {endpoint} failed: the server did not answer the TLS handshake within {options.ConnectTimeout.TotalMilliseconds:0} ms (connectTimeout). Check that {endpoint} is the server's tls-port, not its plain-text port.", exception),
                OperationCanceledException or RedisTimeoutException => new RedisConnectionException($"Connecting to Redis at {endpoint} timed out after {options.ConnectTimeout.TotalMilliseconds:0} ms (connectTimeout).", exception),
                AuthenticationException authentication when certificateCheck is not null => new RedisConnectionException(certificateCheck.DescribeFailure(endpoint, authentication), exception),

                // A server that closes on a TLS hello (or a proxy in between) surfaces as an IOException from
                // SslStream rather than an AuthenticationException.
                IOException when tlsPending => new RedisConnectionException($"TLS with Redis at {endpoint} failed: the connection broke during the TLS handshake ({exception.Message}). Check that {endpoint} is the server's tls-port, not its plain-text port.", exception),
                RedisConnectionException lost => lost,
                _ => new RedisConnectionException($"Cannot connect to Redis at {endpoint}: {exception.Message}", exception),
            };
        }
        catch
        {
            await DisposeFailedAsync(connection, stream, socket).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Releases what a failed connect opened: the connection owns the stream, the stream (an SslStream over a
    /// NetworkStream once TLS began) owns the socket, and the socket alone exists before the TCP connect.
    /// </summary>
    private static async ValueTask DisposeFailedAsync(RespConnection? connection, Stream? stream, Socket socket)
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        else if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        socket.Dispose();
    }

    /// <summary>Starts the read loop over an already open stream (tests use a fake server's stream).</summary>
    internal void Start()
    {
        // The loop must not carry the connecting caller's execution context (its trace, its async locals) into
        // every later reply.
        _started = true;
        using (ExecutionContext.SuppressFlow())
        {
            ReadLoop();
        }
    }

    /// <summary>Sends a command and awaits its reply, within the command timeout.</summary>
    /// <exception cref="RedisServerException">The server answered with an error.</exception>
    /// <exception cref="RedisConnectionException">The connection failed before the reply came.</exception>
    /// <exception cref="RedisTimeoutException">No reply within the command timeout.</exception>
    public Task<RespValue> ExecuteAsync(RespCommand command, CancellationToken cancellationToken)
    {
        var pending = new PendingCommand(command, expectsReply: true, Environment.TickCount64 + (long)_commandTimeout.TotalMilliseconds);
        Enqueue(pending);

        // Cancelling stops the wait only: the command may already be on the wire, and its reply still has to
        // be read (and dropped) to keep later replies in order.
        return cancellationToken.CanBeCanceled ? pending.Reply.WaitAsync(cancellationToken) : pending.Reply;
    }

    /// <summary>Sends a command whose answers arrive as pushes (SUBSCRIBE); does not wait.</summary>
    public void Send(RespCommand command) => Enqueue(new PendingCommand(command, expectsReply: false, long.MaxValue));

    public async ValueTask DisposeAsync()
    {
        Fail(new ObjectDisposedException(nameof(RespConnection), $"The connection to {_endpoint} was closed."));
        if (_started)
        {
            await _readerStopped.Task.ConfigureAwait(false);
        }
    }

    private async Task HandshakeAsync(RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        if (options.Password is not null)
        {
            RespCommand auth = options.User is null
                ? new RespCommand("AUTH").Add(options.Password)
                : new RespCommand("AUTH").Add(options.User).Add(options.Password);
            await ExecuteAsync(auth, cancellationToken).ConfigureAwait(false);
        }

        if (options.Database != 0)
        {
            await ExecuteAsync(new RespCommand("SELECT").Add(options.Database), cancellationToken).ConfigureAwait(false);
        }

        if (options.ClientName is not null)
        {
            await ExecuteAsync(new RespCommand("CLIENT").Add("SETNAME").Add(options.ClientName), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Buffers the command and, unless another caller is already sending, sends the buffer. The send starts on
    /// the caller's thread: a lone caller's command goes out at once, with no hand-over to another thread, while
    /// commands that arrive during a socket write pile up and leave together in the next one.
    /// </summary>
    private void Enqueue(PendingCommand pending)
    {
        bool send;
        lock (_writeLock)
        {
            if (_failure is Exception failure)
            {
                throw NotSent(failure);
            }

            if (pending.ExpectsReply)
            {
                _written.Enqueue(pending);
            }

            pending.Command.WriteTo(_buffered);
            send = !_sending;
            _sending = true;
        }

        if (send)
        {
            // Not awaited: the caller awaits its reply, and a socket write that completes at once (the usual
            // case) has then already happened on this thread. A failed write fails the connection, not the caller.
            _ = SendLoopAsync();
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            for (int round = 0; ; round++)
            {
                ArrayBufferWriter<byte> batch;
                lock (_writeLock)
                {
                    if (_buffered.WrittenCount == 0 || _failure is not null)
                    {
                        _sending = false;
                        return;
                    }

                    // Swap buffers: callers keep appending to the other one while this one is on the wire.
                    batch = _buffered;
                    _buffered = _sendBuffer;
                    _sendBuffer = batch;
                }

                if (round > 0)
                {
                    // Commands that piled up during the first write are not the caller's to send: the caller
                    // that started this loop goes back to awaiting its own reply.
                    await Task.Yield();
                }

                await _stream.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                await _stream.FlushAsync().ConfigureAwait(false);
                if (batch.Capacity > RetainedBufferSize)
                {
                    lock (_writeLock)
                    {
                        _sendBuffer = new ArrayBufferWriter<byte>(InitialBufferSize);
                    }
                }
                else
                {
                    batch.ResetWrittenCount();
                }
            }
        }
        catch (Exception exception)
        {
            lock (_writeLock)
            {
                _sending = false;
            }

            Fail(exception);
        }
    }

    /// <summary>
    /// The read loop: parses every reply in what arrived and completes the commands in order, then asks the socket
    /// for more. Written with callbacks rather than as an async method so that the next read is already waiting on
    /// the socket before a caller's code runs on this thread.
    /// </summary>
    /// <remarks>
    /// The last reply (or push) of a read is completed here, on the reader's thread, after the next read is
    /// registered: the caller that waited for it goes on at once, without a second trip through the thread pool
    /// (a lone caller awaiting one command at a time paid two: socket to reader, reader to caller). This is safe whatever the
    /// caller's continuation does. It cannot stall the connection, because the next reply is read by whichever
    /// thread the registered read completes on, not by this one; and it cannot deadlock it, even if it sends
    /// another command and blocks on its reply, for the same reason. Earlier replies of the same read go through
    /// the thread pool, so one slow continuation never holds up the others.
    /// </remarks>
    private void ReadLoop()
    {
        try
        {
            while (true)
            {
                ValueTask<ReadResult> read = _reader.ReadAsync();
                if (!read.IsCompleted)
                {
                    // Taken before the next read is registered: once it is, its completion may run the loop on
                    // another thread, which then owns the held-back fields.
                    (bool holding, PendingCommand? heldBack, RespValue heldBackValue) = (_holding, _heldBack, _heldBackValue);
                    ClearHeldBack();
                    _pendingRead = read;
                    read.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onReadCompleted);
                    if (holding)
                    {
                        DeliverAfterRegistering(heldBack, heldBackValue);
                    }

                    return;
                }

                Process(read.Result);
            }
        }
        catch (Exception exception)
        {
            Stop(exception);
        }
    }

    /// <summary>
    /// Delivers the held-back item once the next read is registered. Stop is no longer this thread's to call: the
    /// read loop may already run on another one, so a throwing push handler only fails the connection, and the
    /// registered read then ends the loop.
    /// </summary>
    private void DeliverAfterRegistering(PendingCommand? heldBack, RespValue heldBackValue)
    {
        try
        {
            Deliver(heldBack, heldBackValue, inline: true);
        }
        catch (Exception exception)
        {
            Fail(exception);
        }
    }

    private void OnReadCompleted()
    {
        try
        {
            Process(_pendingRead.GetAwaiter().GetResult());
        }
        catch (Exception exception)
        {
            Stop(exception);
            return;
        }

        ReadLoop();
    }

    private void Process(ReadResult result)
    {
        ReadOnlySequence<byte> buffer = result.Buffer;
        while (RespParser.TryParse(buffer, out RespValue value, out SequencePosition consumed))
        {
            buffer = buffer.Slice(consumed);
            Dispatch(value);
        }

        // Examined to the end: the next read waits for new bytes instead of re-parsing the same ones.
        _reader.AdvanceTo(buffer.Start, buffer.End);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw buffer.IsEmpty
                ? new RedisConnectionException($"Redis at {_endpoint} closed the connection.")
                : new RespProtocolException($"Redis at {_endpoint} closed the connection in the middle of a reply ({buffer.Length} bytes unparsed).");
        }
    }

    /// <summary>Ends the read loop for good: fails the connection and lets <see cref="DisposeAsync"/> go on.</summary>
    private void Stop(Exception reason)
    {
        ReleaseHeldBack();
        Fail(reason);
        _reader.Complete();
        _readerStopped.TrySetResult();
    }

    private void Dispatch(RespValue value)
    {
        PendingCommand? pending = null;
        if (_onPush is null || !IsPush(value))
        {
            if (!_written.TryDequeue(out pending))
            {
                throw new RespProtocolException($"Redis at {_endpoint} sent a reply no command was waiting for: {value}");
            }
        }

        // Only the newest reply or push is held back to be delivered on this thread after the next read is
        // registered; the one before it goes now, so one caller's slow continuation never delays the others.
        ReleaseHeldBack();
        _holding = true;
        _heldBack = pending;
        _heldBackValue = value;
    }

    /// <summary>Delivers the held-back reply (through the thread pool) or push (here, in order with the others).</summary>
    private void ReleaseHeldBack()
    {
        if (_holding)
        {
            (PendingCommand? heldBack, RespValue heldBackValue) = (_heldBack, _heldBackValue);
            ClearHeldBack();
            Deliver(heldBack, heldBackValue, inline: false);
        }
    }

    private void ClearHeldBack()
    {
        _holding = false;
        _heldBack = null;
        _heldBackValue = RespValue.Null;
    }

    /// <param name="pending">The command the reply answers, or null for a push.</param>
    /// <param name="value">The reply or push.</param>
    /// <param name="inline">Whether a reply's caller may continue on this thread.</param>
    private void Deliver(PendingCommand? pending, RespValue value, bool inline)
    {
        if (pending is null)
        {
            // A push handler runs on the reader's thread; only the one for the last push of a read can run in
            // parallel with the next read's, so handlers must be thread-safe (RespSubscriber's are).
            _onPush!(value);
        }
        else if (inline)
        {
            pending.Complete(value);
        }
        else
        {
            pending.CompleteLater(value);
        }
    }

    private static bool IsPush(RespValue value)
    {
        if (value.Type != RespType.Array || value.Items.Count < 3 || value.Items[0].Type != RespType.BulkString)
        {
            return false;
        }

        string? kind = value.Items[0].AsString();
        return kind is "message" or "pmessage" or "subscribe" or "unsubscribe" or "psubscribe" or "punsubscribe";
    }

    private void Fail(Exception reason)
    {
        // Set under the write lock, so no command joins _written after FailAll has drained it.
        lock (_writeLock)
        {
            if (_failure is not null)
            {
                return;
            }

            Volatile.Write(ref _failure, reason);
        }

        _timeoutSweep.Dispose();

        // Closing the stream ends the read loop and any socket write in progress.
        _stream.Dispose();
        FailAll(reason);
        _closed.TrySetResult();
    }

    private void FailAll(Exception reason)
    {
        Exception lost = Lost(reason);
        while (_written.TryDequeue(out PendingCommand? written))
        {
            written.Fail(lost);
        }
    }

    /// <summary>
    /// Fails the commands whose reply is overdue. They stay in the reply order (the read loop drops their late
    /// replies), so only the caller's wait ends, as it did when each command had its own timer.
    /// </summary>
    private void FailTimedOut()
    {
        long now = Environment.TickCount64;
        foreach (PendingCommand pending in _written)
        {
            // Written in order with one timeout, so deadlines only grow along the queue.
            if (pending.Deadline > now)
            {
                return;
            }

            pending.Fail(new RedisTimeoutException($"Redis at {_endpoint} did not answer {pending.Command.Name} within {_commandTimeout.TotalMilliseconds:0} ms (syncTimeout)."));
        }
    }

    private RedisConnectionException NotSent(Exception reason) => new(
        reason is ObjectDisposedException
            ? $"The connection to Redis at {_endpoint} was closed before the command was sent; it did not run."
            : $"The connection to Redis at {_endpoint} was lost ({reason.Message}) before the command was sent; it did not run.",
        reason,
        commandNotSent: true);

    private RedisConnectionException Lost(Exception? reason) => reason switch
    {
        ObjectDisposedException => new RedisConnectionException($"The connection to Redis at {_endpoint} was closed.", reason),
        RespProtocolException => new RedisConnectionException($"Redis at {_endpoint} sent bytes that are not RESP ({reason.Message}); the connection was reset. The command may or may not have run.", reason),
        _ => new RedisConnectionException($"The connection to Redis at {_endpoint} was lost ({reason?.Message}); the command may or may not have run.", reason),
    };
}
