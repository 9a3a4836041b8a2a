namespace JobQueue.Testing.Jobs;

/// <summary>A numbered job whose runs <see cref="TimedGateJob"/> records in the <see cref="RunTimeline"/>.</summary>
[JobName("test-timed-gate")]
public sealed record TimedGateArgs(int N);

/// <summary>
/// Records its run's start in the <see cref="RunTimeline"/>, waits for the timeline's gate (or its token), then
/// records its end. A run that is cancelled records no end, so an end means the handler ran to completion.
/// </summary>
public sealed class TimedGateJob(RunTimeline timeline) : IJob<TimedGateArgs>
{
    public async Task ExecuteAsync(TimedGateArgs args, JobContext context, CancellationToken cancellationToken)
    {
        RunTimeline.Run run = timeline.Start(args.N);
        await timeline.GateAsync(cancellationToken);
        run.Finish();
    }
}
