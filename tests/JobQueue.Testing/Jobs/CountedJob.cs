

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
/// One line per event, in a file per process ({path}.{process id}): .NET's append mode seeks to the end
/// rather than appending atomically, so processes sharing one file could overwrite each other's lines.
/// The test reads every process's file after the run.
/// </summary>
public sealed class ExecutionLog(string path)
{
    private readonly Lock _lock = new();
    private readonly string _path = $"{path}.{Environment.ProcessId}";

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
}
