namespace JobQueue.TestSupport.Jobs;

/// <summary>The job of the multi-process recurring test: each occurrence of the schedule runs one.</summary>
[JobName("recurring-tick")]
public sealed record Tick;

/// <summary>Appends its job id and this process's id to the shared tick log.</summary>
public sealed class TickJob(TickLog log) : IJob<Tick>
{
    public Task ExecuteAsync(Tick args, JobContext context, CancellationToken cancellationToken)
    {
        log.Ran(context.JobId);
        return Task.CompletedTask;
    }
}

/// <summary>One line per tick run, "jobId processId", in a file per process ({path}.{process id}), as <see cref="ExecutionLog"/> does.</summary>
public sealed class TickLog(string path)
{
    private readonly Lock _lock = new();
    private readonly string _path = $"{path}.{Environment.ProcessId}";

    public void Ran(JobId id)
    {
        lock (_lock)
        {
            File.AppendAllText(_path, $"{id} {Environment.ProcessId}\n");
        }
    }

    /// <summary>Per job id, the processes that ran it.</summary>
    public static IReadOnlyDictionary<JobId, IReadOnlyList<int>> ReadAll(string path)
    {
        var runs = new Dictionary<JobId, List<int>>();
        foreach (string line in Files(path).SelectMany(File.ReadLines))
        {
            string[] parts = line.Split(' ');
            if (parts.Length == 2 && JobId.TryParse(parts[0], out JobId id))
            {
                (runs.TryGetValue(id, out List<int>? list) ? list : runs[id] = []).Add(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return runs.ToDictionary(p => p.Key, p => (IReadOnlyList<int>)p.Value);
    }

    public static void DeleteAll(string path)
    {
        foreach (string file in Files(path))
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<string> Files(string path) => Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*");
}
