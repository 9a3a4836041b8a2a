using JobQueue.TestSupport;

namespace JobQueue.Tests.Flow;

/// <summary>Records its start, then holds its slot until the test opens its gate; records a cancellation if it sees one.</summary>
[JobName("test-flow-gated")]
public sealed record FlowGatedArgs(string Name);

public sealed class FlowGatedJob(Probe probe) : IJob<FlowGatedArgs>
{
    public async Task ExecuteAsync(FlowGatedArgs args, JobContext context, CancellationToken cancellationToken)
    {
        probe.Record("start:" + args.Name);
        try
        {
            await probe.GateAsync(args.Name, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Record("cancelled:" + args.Name);
            throw;
        }

        probe.Record("end:" + args.Name);
    }
}

/// <summary>Throws <see cref="RateLimitedException"/> on its first run, then succeeds.</summary>
[JobName("test-flow-rate-limited")]
public sealed record RateLimitedArgs(string Name, int RetryAfterMilliseconds);

public sealed class RateLimitedJob(Probe probe) : IJob<RateLimitedArgs>
{
    public Task ExecuteAsync(RateLimitedArgs args, JobContext context, CancellationToken cancellationToken)
    {
        probe.Record("start:" + args.Name);
        if (probe.Count("start:" + args.Name) == 1)
        {
            throw new RateLimitedException(TimeSpan.FromMilliseconds(args.RetryAfterMilliseconds), "429 from the partner");
        }

        probe.Record("end:" + args.Name);
        return Task.CompletedTask;
    }
}

/// <summary>Returns its number, for a success callback that collects the results.</summary>
[JobName("test-flow-numbered")]
public sealed record NumberedArgs(int N);

public sealed class NumberedJob : IJob<NumberedArgs, int>
{
    public Task<int> ExecuteAsync(NumberedArgs args, JobContext context, CancellationToken cancellationToken) => Task.FromResult(args.N);
}

/// <summary>A batch's success callback that sums its children's results through JobContext.GetBatchChildrenAsync.</summary>
[JobName("test-flow-collect")]
public sealed record CollectArgs(int PageSize);

public sealed class CollectJob(Probe probe) : IJob<CollectArgs>
{
    public async Task ExecuteAsync(CollectArgs args, JobContext context, CancellationToken cancellationToken)
    {
        int sum = 0;
        int count = 0;
        await foreach (JobInfo child in context.GetBatchChildrenAsync(JobState.Succeeded, args.PageSize, cancellationToken))
        {
            sum += child.GetResult<int>();
            count++;
        }

        probe.Record($"collected:{count}:{sum}");
    }
}

/// <summary>A batch child that nests a batch of gated children in its own batch, then completes.</summary>
[JobName("test-flow-planner")]
public sealed record PlannerArgs(string[] Children);

public sealed class PlannerJob(Probe probe) : IJob<PlannerArgs>
{
    public async Task ExecuteAsync(PlannerArgs args, JobContext context, CancellationToken cancellationToken)
    {
        BatchId nested = await context.StartNestedBatchAsync(b =>
        {
            foreach (string child in args.Children)
            {
                b.Enqueue(new FlowGatedArgs(child));
            }

            b.OnSuccess(new FlowGatedArgs("nested-success"));
        }, cancellationToken);
        probe.Record("nested:" + nested);
    }
}
