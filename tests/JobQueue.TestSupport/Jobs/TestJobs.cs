

namespace JobQueue.TestSupport.Jobs;

[JobName("test-record")]
public sealed record RecordArgs(string Name);

/// <summary>Records its name and succeeds.</summary>
public sealed class RecordJob(Probe probe) : IJob<RecordArgs>
{
    public Task ExecuteAsync(RecordArgs args, JobContext context, CancellationToken cancellationToken)
    {
        probe.Record(args.Name);
        return Task.CompletedTask;
    }
}

[JobName("test-add")]
public sealed record AddArgs(int A, int B);

public sealed record Sum(int Value);

/// <summary>Returns a result.</summary>
public sealed class AddJob : IJob<AddArgs, Sum>
{
    public Task<Sum> ExecuteAsync(AddArgs args, JobContext context, CancellationToken cancellationToken)
        => Task.FromResult(new Sum(args.A + args.B));
}

[JobName("test-flaky")]
public sealed record FlakyArgs(string Name, int FailTimes, bool Permanent = false);

/// <summary>Fails its first FailTimes attempts, then succeeds.</summary>
public sealed class FlakyJob(Probe probe) : IJob<FlakyArgs>
{
    public Task ExecuteAsync(FlakyArgs args, JobContext context, CancellationToken cancellationToken)
    {
        probe.Record($"{args.Name}:attempt{context.Attempt}");
        if (args.Permanent)
        {
            throw new PermanentJobFailureException($"{args.Name} cannot succeed");
        }

        if (context.Attempt <= args.FailTimes)
        {
            throw new InvalidOperationException($"{args.Name} failed on attempt {context.Attempt}");
        }

        return Task.CompletedTask;
    }
}

[JobName("test-gate")]
public sealed record GateArgs(string Name, bool IgnoreCancellation = false);

/// <summary>Records "{Name}:started", then waits for gate Name (or its token), then records "{Name}:done".</summary>
public sealed class GateJob(Probe probe) : IJob<GateArgs>
{
    public async Task ExecuteAsync(GateArgs args, JobContext context, CancellationToken cancellationToken)
    {
        probe.Record($"{args.Name}:started");
        try
        {
            await probe.GateAsync(args.Name, args.IgnoreCancellation ? CancellationToken.None : cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Record($"{args.Name}:cancelled");
            throw;
        }

        probe.Record($"{args.Name}:done");
    }
}

[JobName("test-snooze")]
public sealed record SnoozeArgs(string Name);

/// <summary>Snoozes on its first run, succeeds on the next.</summary>
public sealed class SnoozeJob(Probe probe) : IJob<SnoozeArgs>
{
    public Task ExecuteAsync(SnoozeArgs args, JobContext context, CancellationToken cancellationToken)
    {
        probe.Record($"{args.Name}:run");
        if (probe.Count($"{args.Name}:run") == 1)
        {
            context.Snooze(TimeSpan.FromMilliseconds(10));
        }

        return Task.CompletedTask;
    }
}

[JobName("test-child")]
public sealed record ChildArgs(string Name, int Spawn = 0, bool Fail = false);

/// <summary>A batch child: optionally adds Spawn more children to its own batch, optionally fails for good.</summary>
public sealed class ChildJob(Probe probe) : IJob<ChildArgs>
{
    public async Task ExecuteAsync(ChildArgs args, JobContext context, CancellationToken cancellationToken)
    {
        for (int i = 0; i < args.Spawn; i++)
        {
            await context.EnqueueIntoBatchAsync(new ChildArgs($"{args.Name}.{i}"), cancellationToken: cancellationToken);
        }

        if (args.Fail)
        {
            throw new PermanentJobFailureException($"{args.Name} failed");
        }

        probe.Record("child");
    }
}

[JobName("test-callback")]
public sealed record CallbackArgs(string Name);

/// <summary>A batch callback: records its name and the batch's counts when it runs.</summary>
public sealed class CallbackJob(Probe probe) : IJob<CallbackArgs>
{
    public async Task ExecuteAsync(CallbackArgs args, JobContext context, CancellationToken cancellationToken)
    {
        BatchInfo? batch = await context.Jobs.GetBatchAsync(context.BatchId!.Value, cancellationToken);
        probe.Record($"{args.Name}:succeeded={batch!.Succeeded}:failed={batch.Failed}:pending={batch.Pending}");
        probe.Record(args.Name);
    }
}

[JobName("test-progress")]
public sealed record ProgressArgs(string Name);

/// <summary>Reports progress, then waits for its gate.</summary>
public sealed class ProgressJob(Probe probe) : IJob<ProgressArgs>
{
    public async Task ExecuteAsync(ProgressArgs args, JobContext context, CancellationToken cancellationToken)
    {
        await context.ReportProgressAsync(40, "4 of 10", cancellationToken);
        probe.Record($"{args.Name}:reported");
        await probe.GateAsync(args.Name, cancellationToken);
    }
}

/// <summary>Not registered anywhere.</summary>
public sealed record UnregisteredArgs(int Value);

[JobName("test-strict")]
public sealed record StrictArgs(int Count);
