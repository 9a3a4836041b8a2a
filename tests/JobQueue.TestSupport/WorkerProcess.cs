using System.Diagnostics;

namespace JobQueue.TestSupport;

/// <summary>
/// A worker host in its own process (tests/JobQueue.TestWorker), so a test can kill it with SIGKILL, as a
/// crash or an out-of-memory kill would, and prove that no job is lost.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 200;

    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        Id = process.Id;
    }

    /// <summary>The process id, as written to the execution log.</summary>
    public int Id { get; }

    /// <summary>The last lines the worker logged (warnings and errors), for a failing test's message.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>Starts a worker on <paramref name="provider"/> and waits until its host has started.</summary>
    /// <param name="provider">The store: "sqlite" or "redis" (see tests/JobQueue.TestWorker/Providers.cs).</param>
    /// <param name="connection">The store's connection string or path.</param>
    /// <param name="logPath">The execution log the worker's jobs append to.</param>
    /// <param name="extra">More options for the worker, such as "prefix" for Redis.</param>
    /// <param name="concurrency">Jobs the worker runs at once.</param>
    /// <param name="leaseMilliseconds">
    /// The worker's lease duration: a killed worker's jobs come back after it. Long enough that a live worker on a
    /// loaded 2-core machine (the whole suite runs at once) always renews in time: at 4 s, a renewal (every third
    /// of it) once came more than 2.7 s late under a load average of 16, and a live worker's jobs were rescued.
    /// </param>
    public static async Task<WorkerProcess> StartAsync(string provider, string connection, string logPath,
        IReadOnlyDictionary<string, string>? extra = null, int concurrency = 4, int leaseMilliseconds = 6000)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "exec", WorkerAssemblyPath(), "--provider", provider, "--connection", connection, "--log", logPath,
            "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--lease-ms", leaseMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in extra ?? new Dictionary<string, string>())
        {
            start.ArgumentList.Add("--" + name);
            start.ArgumentList.Add(value);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the test worker process.");
        var worker = new WorkerProcess(process);
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        string? line = await Deadline.Within(process.StandardOutput.ReadLineAsync(), "the worker process to start").ConfigureAwait(false);
        if (line != "ready")
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            lock (errors)
            {
                throw new InvalidOperationException($"The worker process did not start: it printed '{line}'. Errors: {errors}");
            }
        }

        // Keep draining stdout so a chatty worker never blocks on a full pipe; the last lines explain a failure.
        _ = worker.KeepOutputAsync();
        return worker;
    }

    /// <summary>What the workers logged, one block per process.</summary>
    public static string DescribeOutput(IEnumerable<WorkerProcess> workers) => string.Join("\n", workers.Select(worker =>
        $"worker {worker.Id}:" + (worker.Output.Count == 0 ? " (nothing logged)" : "\n  " + string.Join("\n  ", worker.Output))));

    private async Task KeepOutputAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptOutputLines && _output.TryDequeue(out _))
            {
            }
        }
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown, no lease given back.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Stops the worker gracefully by closing its input, and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        _process.StandardInput.Close();
        await Deadline.Within(_process.WaitForExitAsync(), "the worker process to stop").ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await StopAsync().ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>The worker's build output, next to this test assembly's: tests/JobQueue.TestWorker/bin/{configuration}/{tfm}/.</summary>
    private static string WorkerAssemblyPath()
    {
        // .../tests/X.Tests/bin/Release/net10.0/ -> .../tests/JobQueue.TestWorker/bin/Release/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = output.Name;
        string configuration = output.Parent!.Name;
        DirectoryInfo tests = output.Parent.Parent!.Parent!.Parent!;
        string path = Path.Combine(tests.FullName, "JobQueue.TestWorker", "bin", configuration, tfm, "JobQueue.TestWorker.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The test worker is not built at {path}. Build tests/JobQueue.TestWorker (the test project references it, so a build of the test project builds it).", path);
    }
}
