using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using JobQueue.TestSupport;

namespace JobQueue.Redis.Tests.Faults;

/// <summary>
/// The fault proxy of the network fault tests, checked against a real redis-server with raw RESP (PING, +PONG), so
/// what it does to a connection is seen without a client library's retries and time-outs in between.
/// </summary>
public sealed class FaultProxyTests : IAsyncLifetime
{
    // How long a stalled PING is watched for an answer that must not come: the stall's length, not a wait for work.
    private static readonly TimeSpan s_stall = TimeSpan.FromMilliseconds(500);

    private RedisServer _server = null!;
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync(restartable: true);
        _proxy = FaultProxy.Start("127.0.0.1", _server.Port);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Ping_ThroughProxy_AnswersAndCountsTheConnection()
    {
        using TcpClient client = await ConnectAsync();

        string reply = await PingAsync(client.GetStream());

        reply.Should().Be("+PONG");
        _proxy.ConnectionsAccepted.Should().Be(1);
        _proxy.OpenConnections.Should().Be(1);
    }

    [Fact]
    public async Task Stall_PingSent_AnsweredOnlyAfterHeal()
    {
        using TcpClient client = await ConnectAsync();
        NetworkStream stream = client.GetStream();
        (await PingAsync(stream)).Should().Be("+PONG", "the path works before the stall");

        _proxy.Stall();
        Task<string> stalled = PingAsync(stream);
        Task first = await Task.WhenAny(stalled, Task.Delay(s_stall));
        bool answeredWhileStalled = first == stalled;
        _proxy.Heal();
        string reply = await Deadline.Within(stalled, "the held PING to be answered after the heal");

        answeredWhileStalled.Should().BeFalse("a stalled path forwards nothing, so the PING is not answered");
        reply.Should().Be("+PONG", "the held PING reaches the server at the heal and its answer comes back");
        _proxy.OpenConnections.Should().Be(1, "a stall keeps the connection open");
    }

    [Fact]
    public async Task ResetAll_OpenConnection_ClientSeesResetAndNewConnectionsWork()
    {
        using TcpClient client = await ConnectAsync();
        NetworkStream stream = client.GetStream();
        (await PingAsync(stream)).Should().Be("+PONG");

        int reset = _proxy.ResetAll();
        Func<Task> read = () => stream.ReadAsync(new byte[16]).AsTask();

        reset.Should().Be(1);
        (await read.Should().ThrowAsync<IOException>()).Which.InnerException.Should().BeOfType<SocketException>()
            .Which.SocketErrorCode.Should().Be(SocketError.ConnectionReset, "a reset, not an orderly close, ends the connection");
        using TcpClient again = await ConnectAsync();
        (await PingAsync(again.GetStream())).Should().Be("+PONG", "a reset ends the connections it met, not the path");
        _proxy.ConnectionsReset.Should().Be(1);
    }

    [Fact]
    public async Task Delay_PerChunk_RoundTripTakesAtLeastTwoDelays()
    {
        var delay = TimeSpan.FromMilliseconds(200);
        using TcpClient client = await ConnectAsync();
        NetworkStream stream = client.GetStream();
        (await PingAsync(stream)).Should().Be("+PONG");

        _proxy.Delay(delay);
        long started = Stopwatch.GetTimestamp();
        string reply = await PingAsync(stream);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);

        // A timer may fire up to a tick before the Stopwatch says its time is up (measured: 399.9 ms for two 200 ms
        // delays); a proxy that did not delay at all would take a millisecond.
        reply.Should().Be("+PONG");
        elapsed.Should().BeGreaterThanOrEqualTo(delay * 2 - TimeSpan.FromMilliseconds(20), "the request and the answer are each one chunk, and each is delayed");
    }

    [Fact]
    public async Task DisposeAsync_OpenConnection_ClosesItAndStopsListening()
    {
        using TcpClient client = await ConnectAsync();
        NetworkStream stream = client.GetStream();
        (await PingAsync(stream)).Should().Be("+PONG");
        _proxy.Stall();

        await Deadline.Within(_proxy.DisposeAsync().AsTask(), "the proxy to dispose with a stalled connection open");
        Func<Task> connect = async () =>
        {
            using var refused = new TcpClient();
            await refused.ConnectAsync(IPAddress.Loopback, _proxy.Port);
        };

        (await connect.Should().ThrowAsync<SocketException>()).Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
        _proxy.OpenConnections.Should().Be(0);
        Func<Task<int>> read = () => stream.ReadAsync(new byte[16]).AsTask();
        (await ReadEndAsync(read)).Should().BeTrue("the client's connection was closed, not left hanging");
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, _proxy.Port);
        return client;
    }

    /// <summary>Whether reading ends the connection (end of stream or a reset) within the deadline.</summary>
    private static async Task<bool> ReadEndAsync(Func<Task<int>> read)
    {
        try
        {
            return await Deadline.Within(read(), "the closed connection to end") == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Sends an inline PING and reads one reply line, without its CRLF.</summary>
    private static async Task<string> PingAsync(NetworkStream stream)
    {
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var line = new StringBuilder();
        byte[] buffer = new byte[64];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                throw new IOException("The connection ended before a reply.");
            }

            line.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return line.ToString().TrimEnd('\r', '\n');
    }
}
