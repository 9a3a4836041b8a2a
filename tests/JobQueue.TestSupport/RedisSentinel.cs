using System.Diagnostics;
using System.Globalization;

namespace JobQueue.TestSupport;

/// <summary>
/// A throwaway primary and one Sentinel that monitors it under <see cref="ServiceName"/>, on free loopback ports in
/// a temp folder: what a client that finds its primary through Sentinel (<c>serviceName=</c>) connects to.
/// </summary>
public sealed class RedisSentinel : IAsyncDisposable
{
    /// <summary>The name the Sentinel knows the primary by.</summary>
    public const string ServiceName = "jobqueue-primary";

    private readonly string _folder;
    private Process? _process;

    private RedisSentinel(RedisServer primary, string folder, int port)
    {
        Primary = primary;
        _folder = folder;
        Port = port;
    }

    /// <summary>The monitored primary.</summary>
    public RedisServer Primary { get; }

    /// <summary>The Sentinel's port.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string that reaches the primary through the Sentinel.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)},serviceName={ServiceName}";

    /// <summary>Starts the primary and the Sentinel, and waits until the Sentinel has a quorum for the primary.</summary>
    public static async Task<RedisSentinel> StartAsync()
    {
        RedisServer primary = await RedisServer.StartAsync(restartable: true).ConfigureAwait(false);
        string folder = Path.Combine(Path.GetTempPath(), "jobqueue-redis-sentinel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var sentinel = new RedisSentinel(primary, folder, LoopbackPorts.Free());
        try
        {
            sentinel.Start();
            using var deadline = new CancellationTokenSource(Deadline.Default);
            while (true)
            {
                try
                {
                    string reply = await RedisCluster.CommandAsync(sentinel.Port, "SENTINEL CKQUORUM " + ServiceName, deadline.Token).ConfigureAwait(false);
                    if (reply.StartsWith("OK", StringComparison.Ordinal))
                    {
                        return sentinel;
                    }
                }
                catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException)
                {
                    // Not listening yet.
                }

                // Polling a process that offers no readiness signal: short, and bounded by the deadline.
                await Task.Delay(20, deadline.Token).ConfigureAwait(false);
            }
        }
        catch
        {
            await sentinel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Process? process = Interlocked.Exchange(ref _process, null);
        if (process is not null)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            process.Dispose();
        }

        await Primary.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test run over it is not.
        }
    }

    private void Start()
    {
        // Sentinel rewrites its configuration file as it learns, so it needs one of its own (not command-line options).
        string configuration = Path.Combine(_folder, "sentinel.conf");
        File.WriteAllText(configuration, string.Join('\n',
        [
            "port " + Port.ToString(CultureInfo.InvariantCulture),
            "bind 127.0.0.1",
            "dir " + _folder,
            $"sentinel monitor {ServiceName} 127.0.0.1 {Primary.Port.ToString(CultureInfo.InvariantCulture)} 1",
            $"sentinel down-after-milliseconds {ServiceName} 5000",
            string.Empty,
        ]));
        var start = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(configuration);
        start.ArgumentList.Add("--sentinel");
        Process process = Process.Start(start) ?? throw new InvalidOperationException("redis-server --sentinel did not start.");

        // Drained so a chatty process never blocks on a full pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }
}
