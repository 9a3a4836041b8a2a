namespace JobQueue.TestSupport.Jobs;

[JobName("test-watched")]
public sealed record WatchedArgs(string Name);

/// <summary>
/// On attempt 1 reports progress 10, 20 and 30, waiting after each for gate "{Name}:{percent}", then fails; on
/// attempt 2 waits for gate "{Name}:retry" and succeeds. A watcher opens each gate once it has seen the change, so
/// every change is one the watcher must see.
/// </summary>
public sealed class WatchedJob(Probe probe) : IJob<WatchedArgs>
{
    public async Task ExecuteAsync(WatchedArgs args, JobContext context, CancellationToken cancellationToken)
    {
        if (context.Attempt == 1)
        {
            foreach (int percent in new[] { 10, 20, 30 })
            {
                await context.ReportProgressAsync(percent, $"{percent / 10} of 10", cancellationToken);
                await probe.GateAsync($"{args.Name}:{percent}", cancellationToken);
            }

            throw new InvalidOperationException("The first attempt fails on purpose.");
        }

        await probe.GateAsync($"{args.Name}:retry", cancellationToken);
    }
}

[JobName("test-rapid-progress")]
public sealed record RapidProgressArgs(int Steps);

/// <summary>Reports progress 1 to Steps as fast as the store takes it, then succeeds.</summary>
public sealed class RapidProgressJob : IJob<RapidProgressArgs>
{
    public async Task ExecuteAsync(RapidProgressArgs args, JobContext context, CancellationToken cancellationToken)
    {
        for (int step = 1; step <= args.Steps; step++)
        {
            await context.ReportProgressAsync(100.0 * step / args.Steps, cancellationToken: cancellationToken);
        }
    }
}
