using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace JobQueue.TestSupport;

/// <summary>
/// A throwaway Redis Cluster of three primaries (no replicas) on free loopback ports in a temp folder, made
/// from the local redis-server with <c>redis-cli --cluster create</c>. Ready once every node reports
/// cluster_state:ok. Persistence is off: cluster tests are about routing, not restarts.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private const int Primaries = 3;

    private readonly string _folder;
    private readonly List<Process> _processes = [];

    private RedisCluster(string folder, IReadOnlyList<int> ports)
    {
        _folder = folder;
        Ports = ports;
    }

    /// <summary>The client port of each node.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>Every node, as a connection string: "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3".</summary>
    public string ConnectionString => string.Join(',', Ports.Select(Endpoint));

    /// <summary>"127.0.0.1:PORT".</summary>
    public static string Endpoint(int port) => "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A loopback endpoint nothing listens on for the rest of the test run, so a connect is refused at once.
    /// </summary>
    public static string UnreachableEndpoint() => Endpoint(LoopbackPorts.Refusing());

    /// <summary>Starts the nodes, joins them into a cluster and waits until every node says the cluster is ok.</summary>
    public static async Task<RedisCluster> StartAsync()
    {
        string folder = Path.Combine(Path.GetTempPath(), "jobqueue-redis-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        int[] ports = [.. Enumerable.Range(0, Primaries).Select(_ => LoopbackPorts.Free())];
        var cluster = new RedisCluster(folder, ports);
        try
        {
            using var deadline = new CancellationTokenSource(Deadline.Default);
            foreach (int port in ports)
            {
                cluster.StartNode(port);
            }

            foreach (int port in ports)
            {
                await WaitUntilAsync(port, "PING", static reply => reply == "PONG", deadline.Token).ConfigureAwait(false);
            }

            await cluster.CreateAsync(deadline.Token).ConfigureAwait(false);
            foreach (int port in ports)
            {
                await WaitUntilAsync(port, "CLUSTER INFO", static reply => reply.Contains("cluster_state:ok", StringComparison.Ordinal), deadline.Token).ConfigureAwait(false);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sends one command (its words separated by spaces) to a node and returns the reply as text: a simple or
    /// bulk string, an error ("-ERR ..."), or an integer. Enough for cluster administration in tests.
    /// </summary>
    public static async Task<string> CommandAsync(int port, string command, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
        NetworkStream stream = client.GetStream();
        string[] words = command.Split(' ');
        var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{words.Length}\r\n");
        foreach (string word in words)
        {
            request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(word)}\r\n{word}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);
        var received = new MemoryStream();
        byte[] buffer = new byte[4096];
        while (true)
        {
            int read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"Redis at port {port} closed the connection before answering {command}.");
            }

            received.Write(buffer, 0, read);
            if (TryReadReply(Encoding.UTF8.GetString(received.ToArray()), out string? reply))
            {
                return reply;
            }
        }
    }

    /// <summary>The port of the node that serves <paramref name="slot"/>, from CLUSTER NODES of the first node.</summary>
    public async Task<int> OwnerOfAsync(int slot, CancellationToken cancellationToken)
    {
        string nodes = await CommandAsync(Ports[0], "CLUSTER NODES", cancellationToken).ConfigureAwait(false);

        // <id> <ip:port@busport> <flags> <primary> <ping> <pong> <epoch> <link> <slot or range>...
        foreach (string line in nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split(' ');
            foreach (string range in fields.Skip(8))
            {
                if (!char.IsAsciiDigit(range[0]))
                {
                    continue; // [slot->-node] migration markers
                }

                string[] bounds = range.Split('-');
                int from = int.Parse(bounds[0], CultureInfo.InvariantCulture);
                int to = bounds.Length == 2 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : from;
                if (slot >= from && slot <= to)
                {
                    string address = fields[1].Split('@')[0];
                    return int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
                }
            }
        }

        throw new InvalidOperationException($"No node of the cluster serves slot {slot}: {nodes}");
    }

    /// <summary>The cluster node id of the node on <paramref name="port"/>.</summary>
    public static Task<string> NodeIdAsync(int port, CancellationToken cancellationToken) => CommandAsync(port, "CLUSTER MYID", cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (Process process in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            process.Dispose();
        }

        _processes.Clear();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test run over it is not.
        }
    }

    private static bool TryReadReply(string text, [NotNullWhen(true)] out string? reply)
    {
        reply = null;
        int lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        if (lineEnd < 0)
        {
            return false;
        }

        string line = text[1..lineEnd];
        switch (text[0])
        {
            case '$':
                int length = int.Parse(line, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    reply = string.Empty;
                    return true;
                }

                // Byte and char counts agree: these replies are ASCII.
                if (text.Length < lineEnd + 2 + length + 2)
                {
                    return false;
                }

                reply = text.Substring(lineEnd + 2, length);
                return true;
            case '-':
                reply = "-" + line;
                return true;
            default:
                reply = line;
                return true;
        }
    }

    /// <summary>
    /// Polls a node until its reply to <paramref name="command"/> passes <paramref name="ready"/>: a starting
    /// node and a forming cluster offer no readiness signal, so the poll is short and bounded by the deadline.
    /// </summary>
    private static async Task WaitUntilAsync(int port, string command, Func<string, bool> ready, CancellationToken deadline)
    {
        string? last = null;
        while (true)
        {
            try
            {
                last = await CommandAsync(port, command, deadline).ConfigureAwait(false);
                if (ready(last))
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (IOException)
            {
                // Closed while starting.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Redis cluster node on port {port} did not get ready for {command} within {Deadline.Default}; last reply: {last ?? "none"}.");
            }

            try
            {
                await Task.Delay(20, deadline).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Redis cluster node on port {port} did not get ready for {command} within {Deadline.Default}; last reply: {last ?? "none"}.");
            }
        }
    }

    private void StartNode(int port)
    {
        string p = port.ToString(CultureInfo.InvariantCulture);
        string dir = Path.Combine(_folder, p);
        Directory.CreateDirectory(dir);

        // cluster-port is set explicitly: the default (port + 10000) may be taken or past 65535 for an
        // ephemeral port.
        string busPort = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--port", p, "--bind", "127.0.0.1", "--dir", dir, "--protected-mode", "no",
            "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(dir, "nodes.conf"), "--cluster-port", busPort,
            "--save", string.Empty, "--appendonly", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"Cannot start redis-server ({exception.Message}). Install it (apt-get install redis-server redis-tools).", exception);
        }

        // Drained so a chatty server never blocks on a full pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private async Task CreateAsync(CancellationToken deadline)
    {
        var start = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (int port in Ports)
        {
            start.ArgumentList.Add(Endpoint(port));
        }

        start.ArgumentList.Add("--cluster-replicas");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add("--cluster-yes");
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync(deadline);
        Task<string> error = process.StandardError.ReadToEndAsync(deadline);
        await process.WaitForExitAsync(deadline).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create exited with code {process.ExitCode}: {await output.ConfigureAwait(false)} {await error.ConfigureAwait(false)}");
        }
    }
}
