namespace JobQueue.TestSupport.Jobs;

/// <summary>A numbered job whose runs <see cref="TimedGateJob"/> records in the <see cref="RunTimeline"/>.</summary>
/// <param name="N">The job's number.</param>
/// <param name="WorkMilliseconds">How long the handler works after the gate opens: a job that does not end at once.</param>
[JobName("test-timed-gate")]
public sealed record TimedGateArgs(int N, int WorkMilliseconds = 0);

/// <summary>
/// Records its run's start in the <see cref="RunTimeline"/>, waits for the timeline's gate (or its token), works for
/// the time its arguments ask, then records its end. A run that is cancelled records no end, so an end means the handler ran to completion.
/// </summary>
public sealed class TimedGateJob(RunTimeline timeline) : IJob<TimedGateArgs>
{
    public async Task ExecuteAsync(TimedGateArgs args, JobContext context, CancellationToken cancellationToken)
    {
        RunTimeline.Run run = timeline.Start(args.N);
        await timeline.GateAsync(cancellationToken);
        if (args.WorkMilliseconds > 0)
        {
            // Simulated work, not a wait for a signal: the run must still be going when something else happens.
            await Task.Delay(args.WorkMilliseconds, cancellationToken);
        }

        run.Finish();
    }
}
