using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace JobQueue.Testing;

/// <summary>
/// A throwaway redis-server on a free loopback port in a temp folder, with appendonly on so a restart keeps
/// acknowledged writes. Set JOBQUEUE_TEST_REDIS to a connection string to use an existing server instead
/// (then <see cref="CanRestart"/> is false).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The variable that points tests at an existing server.</summary>
    public const string EnvironmentVariable = "JOBQUEUE_TEST_REDIS";

    private readonly string? _folder;
    private Process? _process;

    private RedisServer(string connectionString, int port, string? folder)
    {
        ConnectionString = connectionString;
        Port = port;
        _folder = folder;
    }

    /// <summary>A connection string for the server: "127.0.0.1:PORT" for a throwaway one.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's port.</summary>
    public int Port { get; }

    /// <summary>True for a throwaway server, which tests may stop and start.</summary>
    public bool CanRestart => _folder is not null;

    /// <summary>Starts a server (or uses JOBQUEUE_TEST_REDIS) and waits until it answers PING.</summary>
    /// <param name="restartable">
    /// Always start a throwaway server, even when JOBQUEUE_TEST_REDIS is set: a test that restarts the server
    /// must own it.
    /// </param>
    public static async Task<RedisServer> StartAsync(bool restartable = false)
    {
        string? existing = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!restartable && !string.IsNullOrWhiteSpace(existing))
        {
            return new RedisServer(existing, 0, null);
        }

        string folder = Path.Combine(Path.GetTempPath(), "jobqueue-redis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        int port = FreePort();
        var server = new RedisServer("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), port, folder);
        await server.StartProcessAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Kills the server (as a crash would; appendonly keeps what it acknowledged).</summary>
    public async Task StopAsync()
    {
        RequireRestartable();
        Process? process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync().ConfigureAwait(false);
        process.Dispose();
    }

    /// <summary>Starts the server again on the same port and folder.</summary>
    public Task RestartAsync()
    {
        RequireRestartable();
        return StartProcessAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_folder is null)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test run over it is not.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void RequireRestartable()
    {
        if (_folder is null)
        {
            throw new InvalidOperationException($"The Redis server comes from {EnvironmentVariable}; tests cannot stop or restart it.");
        }
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _folder!,
            "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no",
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
                $"Cannot start redis-server ({exception.Message}). Install it (apt-get install redis-server) or set {EnvironmentVariable} to a connection string of a running server.",
                exception);
        }

        // Drained so a chatty server never blocks on a full pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitForPingAsync(process).ConfigureAwait(false);
    }

    private async Task WaitForPingAsync(Process process)
    {
        using var deadline = new CancellationTokenSource(Deadline.Default);
        byte[] buffer = new byte[64];
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} before answering PING on port {Port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, deadline.Token).ConfigureAwait(false);
                NetworkStream stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), deadline.Token).ConfigureAwait(false);
                int read = await stream.ReadAsync(buffer, deadline.Token).ConfigureAwait(false);
                if (read >= 5 && buffer[0] == (byte)'+')
                {
                    return; // +PONG; "-LOADING" means the AOF is still being read
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

            // Polling a process that offers no readiness signal: the wait is short and bounded by the deadline.
            await Task.Delay(20, deadline.Token).ConfigureAwait(false);
        }
    }
}
