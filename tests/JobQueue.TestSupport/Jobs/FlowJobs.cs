using System.Globalization;

namespace JobQueue.TestSupport.Jobs;

/// <summary>A job of the multi-process flow test that carries a limit key: it records its start and end, and takes a little time.</summary>
[JobName("flow-keyed")]
public sealed record FlowKeyed(int N, string Key, int WorkMilliseconds);

/// <summary>A job of the multi-process flow test under a rate limit: it records its start.</summary>
[JobName("flow-rated")]
public sealed record FlowRated(int N);

public sealed class FlowKeyedJob(FlowLog log) : IJob<FlowKeyed>
{
    public async Task ExecuteAsync(FlowKeyed args, JobContext context, CancellationToken cancellationToken)
    {
        log.Started(args.N, args.Key);
        await Task.Delay(args.WorkMilliseconds, cancellationToken);

        // Written before the handler returns, so before the store records the end: every recorded run lies within the
        // store's own Running time of the job, and an overlap seen here is an overlap there.
        log.Ended(args.N, args.Key);
    }
}

public sealed class FlowRatedJob(FlowLog log) : IJob<FlowRated>
{
    public Task ExecuteAsync(FlowRated args, JobContext context, CancellationToken cancellationToken)
    {
        log.Started(args.N, "-");
        log.Ended(args.N, "-");
        return Task.CompletedTask;
    }
}

/// <summary>
/// Starts and ends of flow jobs with the wall clock's ticks, one file per process ({path}.{process id}) as in
/// <see cref="ExecutionLog"/>; all processes run on this machine, so their clocks are the same clock.
/// </summary>
public sealed class FlowLog(string path)
{
    private readonly Lock _lock = new();
    private readonly string _path = $"{path}.{Environment.ProcessId}";

    /// <summary>One recorded event.</summary>
    public sealed record Event(bool Start, int N, string Key, long Ticks);

    public void Started(int n, string key) => Append("start", n, key);

    public void Ended(int n, string key) => Append("end", n, key);

    private void Append(string kind, int n, string key)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"{kind} {n} {key} {DateTime.UtcNow.Ticks}\n");
        lock (_lock)
        {
            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(line));
        }
    }

    /// <summary>Every process's events, in time order (an end before a start at the same tick).</summary>
    public static IReadOnlyList<Event> ReadAll(string path)
    {
        var events = new List<Event>();
        foreach (string line in ProcessFiles(path).SelectMany(File.ReadLines))
        {
            string[] parts = line.Split(' ');
            if (parts.Length == 4)
            {
                events.Add(new Event(parts[0] == "start", int.Parse(parts[1], CultureInfo.InvariantCulture), parts[2],
                    long.Parse(parts[3], CultureInfo.InvariantCulture)));
            }
        }

        return events.OrderBy(e => e.Ticks).ThenBy(e => e.Start).ToList();
    }

    public static void DeleteAll(string path)
    {
        foreach (string file in ProcessFiles(path))
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<string> ProcessFiles(string path) =>
        Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*");
}
