using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace JobQueue.TestSupport;

/// <summary>
/// A throwaway redis-server on a free loopback port in a temp folder, with appendonly on so a restart keeps
/// acknowledged writes. Set JOBQUEUE_TEST_REDIS to a connection string to use an existing server instead
/// (then <see cref="CanRestart"/> is false). <see cref="StartTlsAsync"/> starts one that speaks only TLS.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The variable that points tests at an existing server.</summary>
    public const string EnvironmentVariable = "JOBQUEUE_TEST_REDIS";

    private readonly string? _folder;
    private Process? _process;
    private IDisposable? _portHold;

    private RedisServer(string connectionString, int port, string? folder, TestCertificates? certificates = null)
    {
        ConnectionString = connectionString;
        Port = port;
        _folder = folder;
        Certificates = certificates;
    }

    /// <summary>
    /// A connection string for the server: "127.0.0.1:PORT" for a throwaway one, "127.0.0.1:PORT,ssl=true"
    /// for a TLS one.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>The CA and server certificate of a server from <see cref="StartTlsAsync"/>; null otherwise.</summary>
    public TestCertificates? Certificates { get; }

    /// <summary>The server's port.</summary>
    public int Port { get; }

    /// <summary>True for a throwaway server, which tests may stop, start, freeze and thaw.</summary>
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
        int port = LoopbackPorts.Free();
        var server = new RedisServer("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), port, folder);
        await server.StartProcessAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>
    /// Starts a throwaway server that speaks only TLS (no plain-text port), with a server certificate for
    /// 127.0.0.1 and localhost from a throwaway CA, and waits until it answers PING over TLS. Clients need not
    /// present a certificate. JOBQUEUE_TEST_REDIS is ignored: the test must own the certificates.
    /// </summary>
    public static async Task<RedisServer> StartTlsAsync()
    {
        string folder = Path.Combine(Path.GetTempPath(), "jobqueue-redis-" + Guid.NewGuid().ToString("N"));
        TestCertificates certificates = TestCertificates.Create(folder);
        int port = LoopbackPorts.Free();
        var server = new RedisServer("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) + ",ssl=true", port, folder, certificates);
        try
        {
            await server.StartProcessAsync().ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>Kills the server (as a crash would; appendonly keeps what it acknowledged), frozen or not.</summary>
    public async Task StopAsync()
    {
        RequireRestartable();
        Process? process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        // Kill sends SIGKILL, which ends a process stopped by FreezeAsync too (SIGKILL is never held back by a stop),
        // so a test that fails while the server is frozen still leaves no server behind when it is disposed.
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync().ConfigureAwait(false);
        process.Dispose();
        _portHold = LoopbackPorts.Hold(Port);
    }

    /// <summary>
    /// Freezes the server with SIGSTOP, as a stalled VM, a machine swapping hard or a long fork would: its sockets
    /// stay open and the kernel keeps accepting bytes, but nothing is answered until <see cref="ThawAsync"/>. Unlike
    /// <see cref="StopAsync"/>, clients get no connection error, only silence, and then every command they sent
    /// meanwhile runs when the server goes on. Call <see cref="ThawAsync"/> in a finally block.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The server comes from JOBQUEUE_TEST_REDIS (a test may only freeze a server it owns), or it is not running.
    /// </exception>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>
    /// Lets a server frozen by <see cref="FreezeAsync"/> go on (SIGCONT). It then answers, in order, every command that
    /// arrived while it was frozen. Does nothing to a server that is not frozen, so it is safe in a finally block.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The server comes from JOBQUEUE_TEST_REDIS, or it is not running.
    /// </exception>
    public Task ThawAsync() => SignalAsync("CONT");

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
        Interlocked.Exchange(ref _portHold, null)?.Dispose();
        Certificates?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test run over it is not.
        }
    }

    private void RequireRestartable()
    {
        if (_folder is null)
        {
            throw new InvalidOperationException(
                $"The Redis server comes from {EnvironmentVariable}; tests cannot stop, restart, freeze or thaw it. Start one with StartAsync(restartable: true).");
        }
    }

    /// <summary>
    /// Sends a signal by name through kill(1) rather than a P/Invoke of kill(2): signal numbers differ between
    /// Linux and macOS (SIGSTOP is 19 on one, 17 on the other), names do not.
    /// </summary>
    private async Task SignalAsync(string signal)
    {
        RequireRestartable();
        Process process = Volatile.Read(ref _process)
            ?? throw new InvalidOperationException($"Cannot send SIG{signal}: the Redis server on port {Port} is not running (call RestartAsync first).");
        var start = new ProcessStartInfo("kill")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-" + signal);
        start.ArgumentList.Add(process.Id.ToString(CultureInfo.InvariantCulture));
        using var deadline = new CancellationTokenSource(Deadline.Default);
        using Process kill = Process.Start(start) ?? throw new InvalidOperationException("kill did not start.");
        Task<string> error = kill.StandardError.ReadToEndAsync(deadline.Token);
        await kill.StandardOutput.ReadToEndAsync(deadline.Token).ConfigureAwait(false);
        string message = await error.ConfigureAwait(false);
        await kill.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"kill -{signal} {process.Id} (redis-server on port {Port}) failed with exit code {kill.ExitCode}: {message.Trim()}");
        }
    }

    private async Task StartProcessAsync()
    {
        Interlocked.Exchange(ref _portHold, null)?.Dispose();
        var start = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string port = Port.ToString(CultureInfo.InvariantCulture);
        string[] listen = Certificates is null
            ? ["--port", port]
            : ["--port", "0", "--tls-port", port, "--tls-cert-file", Certificates.CertificateFile, "--tls-key-file", Certificates.KeyFile,
                "--tls-ca-cert-file", Certificates.AuthorityFile, "--tls-auth-clients", "no"];
        foreach (string argument in listen.Concat(
        [
            "--bind", "127.0.0.1", "--dir", _folder!,
            "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no",
        ]))
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
                await using Stream stream = Certificates is null
                    ? client.GetStream()
                    : await AuthenticateAsync(client.GetStream(), deadline.Token).ConfigureAwait(false);
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

    /// <summary>
    /// TLS for the readiness probe, trusting the server's own CA. An AuthenticationException is not retried:
    /// a certificate the probe rejects will not improve, and the message says what is wrong.
    /// </summary>
    private async Task<Stream> AuthenticateAsync(Stream stream, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(Certificates!.Authority);
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions { TargetHost = "127.0.0.1", CertificateChainPolicy = policy },
                cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
