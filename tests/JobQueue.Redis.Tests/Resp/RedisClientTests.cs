using System.Net;
using System.Net.Sockets;
using JobQueue.Redis.Resp;
using JobQueue.Redis.Scripts;
using JobQueue.Testing;

namespace JobQueue.Redis.Tests.Resp;

[Collection(RedisCollection.Name)]
public sealed class RedisClientTests
{
    private readonly RedisFixture _fixture;

    public RedisClientTests(RedisFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task ExecuteAsync_SetThenGet_ReturnsValue()
    {
        await using RedisClient client = NewClient();
        string key = "t:" + Guid.NewGuid();

        await client.ExecuteAsync(new RespCommand("SET").Add(key).Add([1, 2, 0, 13]), Deadline.Token());
        RespValue value = await client.ExecuteAsync(new RespCommand("GET").Add(key), Deadline.Token());

        value.Bytes.Should().Equal(1, 2, 0, 13);
    }

    [Fact]
    public async Task ExecuteAsync_ServerError_ThrowsWithServerMessage()
    {
        await using RedisClient client = NewClient();

        Func<Task> act = () => client.ExecuteAsync(new RespCommand("NOSUCHCOMMAND"), Deadline.Token());

        (await act.Should().ThrowAsync<RedisServerException>()).Which.ServerMessage.Should().Contain("unknown command");
    }

    [Fact]
    public async Task ExecuteAsync_ManyConcurrentCallers_EachGetsOwnReply()
    {
        await using RedisClient client = NewClient();
        string key = "t:" + Guid.NewGuid();

        // Thousands of commands in flight at once share one socket; replies must match their callers.
        Task<RespValue>[] calls = [.. Enumerable.Range(0, 2000).Select(i => client.ExecuteAsync(new RespCommand("ECHO").Add("m" + i), Deadline.Token()))];
        RespValue[] replies = await Deadline.Within(Task.WhenAll(calls), "2000 pipelined ECHOs");

        replies.Select(r => r.AsString()).Should().Equal(Enumerable.Range(0, 2000).Select(i => "m" + i));
        _ = key;
    }

    [Fact]
    public async Task ExecuteAsync_CallersOnManyThreadsWithLargeValues_EachGetsOwnReply()
    {
        await using RedisClient client = NewClient();

        // Callers on many threads append while another caller's buffer is on the wire; sizes up to 256 KB make
        // socket writes that do not complete at once, so the buffers really are swapped under load.
        Task<string?[]>[] callers = [.. Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
        {
            var replies = new string?[40];
            for (int i = 0; i < replies.Length; i++)
            {
                RespValue reply = await client.ExecuteAsync(new RespCommand("ECHO").Add(Payload(t, i)), Deadline.Token());
                replies[i] = reply.AsString();
            }

            return replies;
        }))];
        string?[][] all = await Deadline.Within(Task.WhenAll(callers), "ECHOs from 16 threads");

        for (int t = 0; t < all.Length; t++)
        {
            all[t].Should().Equal(Enumerable.Range(0, 40).Select(i => Payload(t, i)));
        }

        static string Payload(int thread, int index) => $"{thread}:{index}:" + new string('x', index % 8 == 0 ? 256 * 1024 : index * 10);
    }

    [Fact]
    public async Task ExecuteAsync_ContinuationOnReaderBlocksOnAnotherCommand_DoesNotDeadlock()
    {
        await using RedisClient client = NewClient();
        await client.ExecuteAsync(new RespCommand("PING"), Deadline.Token());

        // The last reply of a read is completed on the reader's thread, so a synchronous continuation runs there.
        // The server holds the BLPOP reply for 50 ms, so the continuation is attached before the reply comes. It
        // sends a second command and blocks on its reply: that reply must still be read.
        Task<RespValue> held = client.ExecuteAsync(new RespCommand("BLPOP").Add("t:" + Guid.NewGuid()).Add("0.05"), Deadline.Token());
        Task<string?> nested = held.ContinueWith(
            _ => client.ExecuteAsync(new RespCommand("ECHO").Add("nested"), Deadline.Token()).GetAwaiter().GetResult().AsString(),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        (await Deadline.Within(nested, "a command sent and waited for synchronously from a reply's continuation")).Should().Be("nested");
    }

    [Fact]
    public async Task ExecuteAsync_ContinuationOnReaderWaitsForLaterReply_OtherRepliesStillArrive()
    {
        await using RedisClient client = NewClient();
        await client.ExecuteAsync(new RespCommand("PING"), Deadline.Token());
        using var laterArrived = new ManualResetEventSlim();

        // The first reply's continuation does not return until a reply written after it is in: the reader must not
        // be the thread that runs it, or neither would ever finish.
        Task<RespValue> first = client.ExecuteAsync(new RespCommand("BLPOP").Add("t:" + Guid.NewGuid()).Add("0.05"), Deadline.Token());
        Task<bool> blocked = first.ContinueWith(
            _ => laterArrived.Wait(TimeSpan.FromSeconds(20)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        Task<RespValue> second = client.ExecuteAsync(new RespCommand("ECHO").Add("later"), Deadline.Token());
        RespValue later = await Deadline.Within(second, "a reply while an earlier continuation blocks");
        laterArrived.Set();

        later.AsString().Should().Be("later");
        (await Deadline.Within(blocked, "the blocked continuation")).Should().BeTrue();
    }

    [Fact]
    public async Task ExecuteAsync_ServerNeverAnswers_ThrowsTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task server = Task.Run(async () =>
        {
            using TcpClient connection = await listener.AcceptTcpClientAsync();
            await ReadToEndAsync(connection.GetStream());
        });
        await using RedisClient client = new(RedisConnectionOptions.Parse($"127.0.0.1:{port},syncTimeout=200"));

        Func<Task> act = () => client.ExecuteAsync(new RespCommand("PING"), CancellationToken.None);

        (await act.Should().ThrowAsync<RedisTimeoutException>()).WithMessage("*PING*syncTimeout*");
        await client.DisposeAsync();
        await Deadline.Within(server, "the fake server to see the connection close");
    }

    [Fact]
    public async Task ExecuteAsync_NestedArrayReply_ReadsTree()
    {
        await using RedisClient client = NewClient();

        RespValue value = await client.ExecuteAsync(new RespCommand("EVAL").Add("return {1, {'a', false}, 'b'}").Add(0), Deadline.Token());

        value.Items[0].Integer.Should().Be(1);
        value.Items[1].Items[0].AsString().Should().Be("a");
        value.Items[1].Items[1].IsNull.Should().BeTrue();
        value.Items[2].AsString().Should().Be("b");
    }

    [Fact]
    public async Task EvalAsync_AfterScriptFlush_ReloadsScript()
    {
        await using RedisClient client = NewClient();
        var script = new RedisScript("test", "return ARGV[1] .. '!' .. '" + Guid.NewGuid() + "'");

        RespValue first = await client.EvalAsync(script, [], new RespCommand().Add("a"), Deadline.Token());
        await client.ExecuteAsync(new RespCommand("SCRIPT").Add("FLUSH"), Deadline.Token());
        RespValue second = await client.EvalAsync(script, [], new RespCommand().Add("b"), Deadline.Token());

        first.AsString().Should().StartWith("a!");
        second.AsString().Should().StartWith("b!");
    }

    [Fact]
    public async Task ConnectAsync_SelectsDefaultDatabase()
    {
        await using RedisClient client = new(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString + ",defaultDatabase=5"));

        RespValue info = await client.ExecuteAsync(new RespCommand("CLIENT").Add("INFO"), Deadline.Token());

        info.AsString().Should().Contain(" db=5 ");
    }

    [Fact]
    public async Task ConnectAsync_AclUserAndPassword_Authenticates()
    {
        await using RedisClient admin = NewClient();
        string user = "u" + Guid.NewGuid().ToString("N");
        await admin.ExecuteAsync(new RespCommand("ACL").Add("SETUSER").Add(user).Add("on").Add(">pw1").Add("~*").Add("+@all"), Deadline.Token());

        await using RedisClient good = new(RedisConnectionOptions.Parse($"{_fixture.Server.ConnectionString},user={user},password=pw1"));
        RespValue whoami = await good.ExecuteAsync(new RespCommand("ACL").Add("WHOAMI"), Deadline.Token());
        await using RedisClient bad = new(RedisConnectionOptions.Parse($"{_fixture.Server.ConnectionString},user={user},password=wrong"));
        Func<Task> badCall = () => bad.ExecuteAsync(new RespCommand("PING"), Deadline.Token());

        whoami.AsString().Should().Be(user);
        (await badCall.Should().ThrowAsync<RedisConnectionException>()).WithMessage("*handshake*");
    }

    [Fact]
    public async Task ExecuteAsync_NoServer_FailsWithConnectionError()
    {
        int port = FreePort();
        await using RedisClient client = new(RedisConnectionOptions.Parse($"127.0.0.1:{port},connectTimeout=2000"));

        Func<Task> act = () => client.ExecuteAsync(new RespCommand("PING"), Deadline.Token());

        (await act.Should().ThrowAsync<RedisConnectionException>()).WithMessage($"*127.0.0.1:{port}*");
    }

    [Fact]
    public async Task ExecuteAsync_ServerSendsGarbage_FailsAndResetsConnection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task server = Task.Run(async () =>
        {
            // First connection answers garbage; the second one answers properly.
            using (TcpClient first = await listener.AcceptTcpClientAsync())
            {
                NetworkStream stream = first.GetStream();
                await ReadSomeAsync(stream);
                await stream.WriteAsync("!garbage\r\n"u8.ToArray());
                await ReadToEndAsync(stream);
            }

            using TcpClient second = await listener.AcceptTcpClientAsync();
            NetworkStream next = second.GetStream();
            await ReadSomeAsync(next);
            await next.WriteAsync("+PONG\r\n"u8.ToArray());
            await ReadToEndAsync(next);
        });
        await using RedisClient client = new(RedisConnectionOptions.Parse($"127.0.0.1:{port}"));

        Func<Task> first = () => client.ExecuteAsync(new RespCommand("PING"), Deadline.Token());
        (await first.Should().ThrowAsync<RedisConnectionException>()).WithMessage("*not RESP*");
        RespValue second = await client.ExecuteAsync(new RespCommand("PING"), Deadline.Token());

        second.AsString().Should().Be("PONG");
        await client.DisposeAsync();
        await Deadline.Within(server, "the fake server to finish");
    }

    [Fact]
    public async Task ExecuteAsync_ServerRestarted_InFlightFailsAndLaterSucceeds()
    {
        await using RedisServer server = await RedisServer.StartAsync();
        if (!server.CanRestart)
        {
            return; // An existing server (JOBQUEUE_TEST_REDIS) cannot be restarted by a test.
        }

        await using RedisClient client = new(RedisConnectionOptions.Parse(server.ConnectionString));
        await client.ExecuteAsync(new RespCommand("SET").Add("k").Add("before"), Deadline.Token());
        Task<RespValue> blocked = client.ExecuteAsync(new RespCommand("BLPOP").Add("never").Add(0), CancellationToken.None);

        await server.StopAsync();
        Func<Task> inFlight = () => blocked;
        await inFlight.Should().ThrowAsync<RedisConnectionException>();
        await server.RestartAsync();
        RespValue value = await RetryUntilConnectedAsync(() => client.ExecuteAsync(new RespCommand("GET").Add("k"), Deadline.Token()));

        value.AsString().Should().Be("before");
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionClosed_InFlightMayHaveRunAndLaterWasNotSent()
    {
        RespConnection connection = await RespConnection.ConnectAsync(
            RedisConnectionOptions.Parse(_fixture.Server.ConnectionString), onPush: null, Deadline.Token());
        Task<RespValue> inFlight = connection.ExecuteAsync(new RespCommand("BLPOP").Add("never:" + Guid.NewGuid()).Add(0), CancellationToken.None);

        await connection.DisposeAsync();
        Func<Task> sent = () => inFlight;
        Func<Task> late = () => connection.ExecuteAsync(new RespCommand("PING"), Deadline.Token());

        // The client retries only what never left it (RedisClient.SendAsync): the flag must tell the two apart.
        (await sent.Should().ThrowAsync<RedisConnectionException>()).Which.CommandNotSent.Should().BeFalse();
        (await late.Should().ThrowAsync<RedisConnectionException>()).WithMessage("*before the command was sent; it did not run*")
            .Which.CommandNotSent.Should().BeTrue();
    }

    internal static async Task<T> RetryUntilConnectedAsync<T>(Func<Task<T>> call)
    {
        // The client backs off between reconnect attempts; each call either connects or fails fast.
        using CancellationTokenSource deadline = new(Deadline.Default);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RedisConnectionException) when (!deadline.IsCancellationRequested)
            {
            }
        }
    }

    private static async Task ReadSomeAsync(NetworkStream stream) => _ = await stream.ReadAsync(new byte[256]);

    private static async Task ReadToEndAsync(NetworkStream stream)
    {
        byte[] buffer = new byte[256];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private RedisClient NewClient() => new(RedisConnectionOptions.Parse(_fixture.Server.ConnectionString));
}
