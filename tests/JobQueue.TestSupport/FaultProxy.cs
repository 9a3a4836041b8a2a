using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace JobQueue.TestSupport;

/// <summary>
/// A TCP proxy on a free loopback port in front of a real server (PostgreSQL, Redis), through which a test breaks the
/// network path on purpose: <see cref="Stall"/> it (connections stay open and nothing moves), <see cref="ResetAll"/>
/// its connections, or <see cref="Delay"/> every chunk. Clients connect to <see cref="Port"/> instead of the server.
/// </summary>
/// <remarks>
/// Each connection is two async pumps, one per direction, that read a chunk, pass the fault gate, and write it on;
/// no thread blocks on a socket. A stall holds bytes rather than dropping them, as TCP does over a path that stops
/// delivering: what a client sent during the stall, even on a connection it has given up on meanwhile, reaches the
/// server when the path heals, and the server runs it then.
/// </remarks>
public sealed class FaultProxy : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly TcpListener _listener;
    private readonly EndPoint _upstream;
    private readonly CancellationTokenSource _disposing = new();
    private readonly ConcurrentDictionary<long, Link> _links = new();
    private readonly Lock _faultLock = new();
    private readonly Task _accepting;

    // Completed while the path is open; a stall swaps in an uncompleted one, which Heal completes.
    private TaskCompletionSource _open = Opened();
    private long _delayTicks;
    private long _nextLinkId;
    private int _accepted;
    private int _reset;

    private FaultProxy(EndPoint upstream)
    {
        _upstream = upstream;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    /// <summary>How many client connections the proxy has accepted so far.</summary>
    public int ConnectionsAccepted => Volatile.Read(ref _accepted);

    /// <summary>How many connections are open through the proxy now.</summary>
    public int OpenConnections => _links.Count;

    /// <summary>How many connections <see cref="ResetAll"/> has aborted so far.</summary>
    public int ConnectionsReset => Volatile.Read(ref _reset);

    /// <summary>Whether the path is stalled (<see cref="Stall"/> was called and <see cref="Heal"/> not yet).</summary>
    public bool IsStalled => !Volatile.Read(ref _open).Task.IsCompleted;

    /// <summary>Starts a proxy in front of <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static FaultProxy Start(string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        return new FaultProxy(IPAddress.TryParse(host, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port));
    }

    /// <summary>
    /// Stalls the path: open connections stay open but nothing is forwarded in either direction until
    /// <see cref="Heal"/>; bytes are held, not dropped. New connections are accepted (the kernel completes the TCP
    /// handshake anyway) and stall the same way, so a client's connect succeeds and its handshake hangs.
    /// </summary>
    public void Stall()
    {
        lock (_faultLock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Heals the path: ends a stall (held bytes go on, in order) and any <see cref="Delay"/>.</summary>
    public void Heal()
    {
        lock (_faultLock)
        {
            Volatile.Write(ref _delayTicks, 0);
            _open.TrySetResult();
        }
    }

    /// <summary>Adds <paramref name="perChunk"/> of latency to every chunk forwarded in either direction; zero removes it.</summary>
    public void Delay(TimeSpan perChunk)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perChunk, TimeSpan.Zero);
        Volatile.Write(ref _delayTicks, perChunk.Ticks);
    }

    /// <summary>
    /// Aborts every open connection with a TCP reset, on both sides: the client and the server each see
    /// "connection reset", as after a firewall or load balancer dropped the flow. Returns how many were aborted.
    /// </summary>
    public int ResetAll()
    {
        int count = 0;
        foreach (Link link in _links.Values)
        {
            link.Abort();
            count++;
        }

        Interlocked.Add(ref _reset, count);
        return count;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        foreach (Link link in _links.Values)
        {
            link.Abort();
        }

        await Task.WhenAll(_links.Values.Select(link => link.Completion)).ConfigureAwait(false);
        _disposing.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private static bool IsConnectionEnd(Exception e) => e is SocketException or IOException or ObjectDisposedException or OperationCanceledException;

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_disposing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionEnd(e) && _disposing.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A client that gave up before it was accepted (reset in the backlog): accept the next.
                continue;
            }

            Interlocked.Increment(ref _accepted);
            var link = new Link(client, new Socket(SocketType.Stream, ProtocolType.Tcp));
            long id = Interlocked.Increment(ref _nextLinkId);
            _links[id] = link;
            link.Completion = RunAsync(id, link);
        }
    }

    private async Task RunAsync(long id, Link link)
    {
        // Off the accept loop: a slow or refused upstream connect must not hold up the next client.
        await Task.Yield();
        try
        {
            link.Client.NoDelay = true;
            await link.Server.ConnectAsync(_upstream, link.Aborted).ConfigureAwait(false);
            link.Server.NoDelay = true;
            Task up = PumpAsync(link.Client, link.Server, link.Aborted);
            Task down = PumpAsync(link.Server, link.Client, link.Aborted);
            Task first = await Task.WhenAny(up, down).ConfigureAwait(false);
            if (!first.IsCompletedSuccessfully)
            {
                // One side broke (a reset, an error): the other side must see the connection break too.
                link.Abort();
            }

            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            // The connection ended the way connections end (reset, refused, aborted): nothing to report.
            link.Abort();
        }
        finally
        {
            _links.TryRemove(id, out _);
            link.Close();
        }
    }

    /// <summary>Forwards one direction until its end of stream, holding each chunk while the path is stalled and delaying it while a delay is set.</summary>
    private async Task PumpAsync(Socket from, Socket to, CancellationToken aborted)
    {
        byte[] buffer = new byte[ChunkSize];
        while (true)
        {
            await PathOpenAsync(aborted).ConfigureAwait(false);
            int read = await from.ReceiveAsync(buffer, SocketFlags.None, aborted).ConfigureAwait(false);
            if (read == 0)
            {
                // A half close passes on as one, so a client's orderly shutdown reaches the server in order.
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            // A stall that began while the read was pending holds the chunk just read.
            await PathOpenAsync(aborted).ConfigureAwait(false);
            long delay = Volatile.Read(ref _delayTicks);
            if (delay > 0)
            {
                // The latency itself, the fault this proxy injects: not a wait for work.
                await Task.Delay(TimeSpan.FromTicks(delay), aborted).ConfigureAwait(false);
                await PathOpenAsync(aborted).ConfigureAwait(false);
            }

            for (int sent = 0; sent < read;)
            {
                sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, aborted).ConfigureAwait(false);
            }
        }
    }

    private Task PathOpenAsync(CancellationToken aborted)
    {
        Task open = Volatile.Read(ref _open).Task;
        return open.IsCompleted ? Task.CompletedTask : open.WaitAsync(aborted);
    }

    /// <summary>One client connection and its upstream twin.</summary>
    private sealed class Link(Socket client, Socket server)
    {
        // Never disposed: it has no timer and no linked tokens, so it holds nothing to release, and disposing it
        // would race an abort that is cancelling it on another thread.
        private readonly CancellationTokenSource _aborted = new();
        private int _closed;

        public Socket Client { get; } = client;

        public Socket Server { get; } = server;

        public CancellationToken Aborted => _aborted.Token;

        public Task Completion { get; set; } = Task.CompletedTask;

        /// <summary>Closes both sockets with a reset (linger on, zero timeout): the peers see ECONNRESET, not an orderly end.</summary>
        public void Abort()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1)
            {
                return;
            }

            foreach (Socket socket in new[] { Client, Server })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                catch (Exception e) when (IsConnectionEnd(e))
                {
                    // Never connected or already closed: there is nothing to reset, and closing it is harmless.
                }

                socket.Dispose();
            }

            _aborted.Cancel();
        }

        /// <summary>Closes both sockets after both directions ended in order.</summary>
        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                Client.Dispose();
                Server.Dispose();
                _aborted.Cancel();
            }
        }
    }
}
