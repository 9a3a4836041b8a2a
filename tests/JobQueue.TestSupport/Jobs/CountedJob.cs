

namespace JobQueue.TestSupport.Jobs;

/// <summary>
/// The job of the multi-process tests: appends its number and this process's id to a shared log, taking a little
/// time. A gated job also holds its slot until the test opens the log's gate, so a kill finds it in flight.
/// </summary>
[JobName("counted")]
public sealed record Counted(int N, int WorkMilliseconds, bool Gated = false);

public sealed class CountedJob(ExecutionLog log) : IJob<Counted>
{
    public async Task ExecuteAsync(Counted args, JobContext context, CancellationToken cancellationToken)
    {
        log.Started(args.N);
        while (args.Gated && !log.GateIsOpen)
        {
            // Another process opens the gate with a file; checking it now and then is the handler's own work.
            await Task.Delay(20, cancellationToken);
        }

        await Task.Delay(args.WorkMilliseconds, cancellationToken);
        log.Finished(args.N);
    }
}

/// <summary>
/// One line per event, in a file per process ({path}.{process id}): .NET's append mode seeks to the end
/// rather than appending atomically, so processes sharing one file could overwrite each other's lines.
/// The test reads every process's file after the run.
/// </summary>
public sealed class ExecutionLog(string path)
{
    private readonly Lock _lock = new();
    private readonly string _path = $"{path}.{Environment.ProcessId}";

    /// <summary>The file whose existence lets gated jobs go on: the same for every process.</summary>
    public static string GatePath(string path) => path + ".gate";

    public bool GateIsOpen => File.Exists(GatePath(path));

    public void Started(int n) => Append($"start {n} {Environment.ProcessId}\n");

    public void Finished(int n) => Append($"done {n} {Environment.ProcessId}\n");

    private void Append(string line)
    {
        lock (_lock)
        {
            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line);
            stream.Write(bytes);
        }
    }

    /// <summary>Reads every process's file: which processes started each job, and which jobs ran to their end.</summary>
    public static (IReadOnlyDictionary<int, IReadOnlyList<int>> Starts, IReadOnlySet<int> Finished) ReadAll(string path)
    {
        var starts = new Dictionary<int, List<int>>();
        var finished = new HashSet<int>();
        foreach (string line in ProcessFiles(path).SelectMany(File.ReadLines))
        {
            string[] parts = line.Split(' ');
            if (parts.Length != 3)
            {
                continue; // a line cut by a kill
            }

            int n = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            int pid = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            if (parts[0] == "start")
            {
                (starts.TryGetValue(n, out List<int>? list) ? list : starts[n] = []).Add(pid);
            }
            else
            {
                finished.Add(n);
            }
        }

        return (starts.ToDictionary(p => p.Key, p => (IReadOnlyList<int>)p.Value), finished);
    }

    /// <summary>Deletes every process's file and the gate.</summary>
    public static void DeleteAll(string path)
    {
        foreach (string file in ProcessFiles(path).Append(GatePath(path)))
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<string> ProcessFiles(string path) =>
        Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*").Where(file => file != GatePath(path));
}
