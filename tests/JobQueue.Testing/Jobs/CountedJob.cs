

namespace JobQueue.Testing.Jobs;

/// <summary>The job of the multi-process tests: appends its number and this process's id to a shared log, taking a little time.</summary>
[JobName("counted")]
public sealed record Counted(int N, int WorkMilliseconds);

public sealed class CountedJob(ExecutionLog log) : IJob<Counted>
{
    public async Task ExecuteAsync(Counted args, JobContext context, CancellationToken cancellationToken)
    {
        log.Started(args.N);
        await Task.Delay(args.WorkMilliseconds, cancellationToken);
        log.Finished(args.N);
    }
}

/// <summary>
/// One line per event, appended with a single write each: lines from several processes never interleave
/// within a line, so the test can count executions per job after a process was killed.
/// </summary>
public sealed class ExecutionLog(string path)
{
    private readonly Lock _lock = new();

    public void Started(int n) => Append($"start {n} {Environment.ProcessId}\n");

    public void Finished(int n) => Append($"done {n} {Environment.ProcessId}\n");

    private void Append(string line)
    {
        lock (_lock)
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line);
            stream.Write(bytes);
        }
    }
}
