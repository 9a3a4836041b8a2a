using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace JobQueue.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: <c>initdb</c> + <c>pg_ctl</c> on a free loopback port in a temp
/// folder, trust authentication, stopped and deleted on dispose. When JOBQUEUE_TEST_POSTGRES holds a connection
/// string, tests use that server instead and nothing is started (and it cannot be stopped or restarted).
/// </summary>
/// <remarks>
/// initdb and postgres refuse to run as root, and CI runs as root: then both run as the Debian package's
/// <c>postgres</c> user through <c>runuser</c>, in a folder that user creates and so owns.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The environment variable that points tests at an existing server.</summary>
    public const string EnvironmentVariable = "JOBQUEUE_TEST_POSTGRES";

    private const string InstallHint =
        "Install the PostgreSQL server (apt-get install postgresql) and put its bin folder on PATH, or set " +
        EnvironmentVariable + " to the connection string of an existing server.";

    private static readonly Lazy<Task<PostgresServer>> s_shared = new(StartSharedAsync);
    private readonly string? _root;
    private readonly string? _dataDirectory;
    private readonly string? _runAs;
    private readonly int _port;
    private int _disposed;
    private IDisposable? _portHold;

    private PostgresServer(string connectionString, string? root, string? runAs, int port)
    {
        ConnectionString = connectionString;
        _root = root;
        _dataDirectory = root is null ? null : Path.Combine(root, "data");
        _runAs = runAs;
        _port = port;
    }

    /// <summary>A connection string for the superuser's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>False when the server came from <see cref="EnvironmentVariable"/>: it cannot be stopped or restarted.</summary>
    public bool IsOwned => _root is not null;

    /// <summary>One server for the whole test run, started on first use and stopped when the process exits.</summary>
    public static Task<PostgresServer> SharedAsync() => s_shared.Value;

    /// <summary>Starts a new cluster of this test's own, or wraps <see cref="EnvironmentVariable"/> when it is set.</summary>
    /// <param name="owned">True for tests that stop and restart the server: always a local cluster, never the shared one.</param>
    public static async Task<PostgresServer> StartAsync(bool owned = false)
    {
        string? existing = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!owned && !string.IsNullOrWhiteSpace(existing))
        {
            return new PostgresServer(existing, root: null, runAs: null, port: 0);
        }

        string initdb = FindBinary("initdb");
        FindBinary("pg_ctl");
        DeleteStaleClusters();
        string? runAs = Environment.UserName == "root" ? "postgres" : null;
        string root = Path.Combine(Path.GetTempPath(), "jobqueue-pg-" + Guid.NewGuid().ToString("N")[..12]);
        if (runAs is null)
        {
            Directory.CreateDirectory(root);
        }
        else
        {
            // Created by the postgres user so that it owns the folder, the data directory and the socket directory.
            await RunAsync(runAs, "mkdir", ["-p", Path.Combine(root, "socket")]).ConfigureAwait(false);
        }

        Directory.CreateDirectory(Path.Combine(root, "socket"));
        await RunAsync(runAs, initdb, ["-D", Path.Combine(root, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .ConfigureAwait(false);

        int port = LoopbackPorts.Free();
        var server = new PostgresServer(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Maximum Pool Size=50;Timeout=30;Command Timeout=60",
            root, runAs, port);
        await server.StartAgainAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Creates a new database on this server and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = "jq_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the cluster (fast shutdown: open connections are closed). Its data stays for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        EnsureOwned();
        await RunAsync(_runAs, FindBinary("pg_ctl"), ["-D", _dataDirectory!, "-m", "fast", "-w", "-t", "60", "stop"]).ConfigureAwait(false);
        _portHold = LoopbackPorts.Hold(_port);
    }

    /// <summary>Starts the stopped cluster again on the same port; returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        EnsureOwned();
        Interlocked.Exchange(ref _portHold, null)?.Dispose();
        string options = $"-p {_port} -k {Path.Combine(_root!, "socket")} -c listen_addresses=127.0.0.1 -c max_connections=300 " +
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB";
        await RunAsync(_runAs, FindBinary("pg_ctl"),
            ["-D", _dataDirectory!, "-l", Path.Combine(_root!, "server.log"), "-o", options, "-w", "-t", "60", "start"]).ConfigureAwait(false);
        await WaitUntilAcceptingAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the cluster and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1 || _root is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        Interlocked.Exchange(ref _portHold, null)?.Dispose();
        try
        {
            await RunAsync(_runAs, FindBinary("pg_ctl"), ["-D", _dataDirectory!, "-m", "immediate", "-w", "stop"]).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already stopped (a restart test may end with the server down): deleting the folder is all that is left.
        }

        Directory.Delete(_root, recursive: true);
    }

    private void StopAndDeleteNow()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1 || _root is null)
        {
            return;
        }

        var start = new ProcessStartInfo { FileName = _runAs is null ? FindBinary("pg_ctl") : "runuser", UseShellExecute = false };
        foreach (string argument in (_runAs is null ? [] : new[] { "-u", _runAs, "--", FindBinary("pg_ctl") })
            .Concat(["-D", _dataDirectory!, "-m", "immediate", "-w", "stop"]))
        {
            start.ArgumentList.Add(argument);
        }

        using (Process? stop = Process.Start(start))
        {
            stop?.WaitForExit(30_000);
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>
    /// Deletes folders of earlier runs whose server is gone: a test process killed at the end (the test runner
    /// does not always let ProcessExit finish) leaves its stopped cluster behind. Live clusters are left alone.
    /// </summary>
    private static void DeleteStaleClusters()
    {
        foreach (string folder in Directory.GetDirectories(Path.GetTempPath(), "jobqueue-pg-*"))
        {
            string pidFile = Path.Combine(folder, "data", "postmaster.pid");
            try
            {
                bool alive = File.Exists(pidFile)
                    && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out int pid)
                    && Directory.Exists($"/proc/{pid}");
                if (!alive && Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddMinutes(-1))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run is cleaning up the same folder, or it is not ours to delete: leave it.
            }
        }
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        PostgresServer server = await StartAsync().ConfigureAwait(false);

        // xunit v2 has no assembly fixture: stop the run's server when the test process exits.
        // ProcessExit handlers get little time and no async continuations to rely on: stop and delete synchronously.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAndDeleteNow();
        return server;
    }

    private async Task WaitUntilAcceptingAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
                await connection.OpenAsync(deadline.Token).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException) when (!deadline.IsCancellationRequested)
            {
                // pg_ctl -w returned, but the server may still be finishing recovery; ask again shortly.
                await Task.Delay(100, deadline.Token).ConfigureAwait(false);
            }
        }
    }

    private void EnsureOwned()
    {
        if (_root is null)
        {
            throw new InvalidOperationException($"This server comes from {EnvironmentVariable}; tests cannot stop or start it.");
        }
    }

    private static string FindBinary(string name)
    {
        IEnumerable<string> folders = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/local/bin");
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            folders = folders.Concat(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(v => Path.Combine(v, "bin")));
        }

        return folders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"'{name}' was not found. {InstallHint}");
    }

    private static async Task RunAsync(string? runAs, string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo
        {
            FileName = runAs is null ? fileName : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (runAs is not null)
        {
            foreach (string prefix in new[] { "-u", runAs, "--", fileName })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}. {InstallHint}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await Deadline.Within(process.WaitForExitAsync(), $"{Path.GetFileName(fileName)} to exit").ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: " +
                $"{await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
        }
    }
}
