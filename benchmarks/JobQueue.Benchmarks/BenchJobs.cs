using System.Diagnostics;

namespace JobQueue.Benchmarks;

/// <summary>The "small args": a Guid and a short string.</summary>
[JobName("bench-noop")]
internal sealed record NoopArgs(Guid Id, string Name);

/// <summary>Arguments of the latency probe job; a separate type so it runs on its own queue.</summary>
[JobName("bench-latency")]
internal sealed record LatencyArgs(Guid Id, string Name);

/// <summary>Does nothing but count, so a drain measures the engine and the store, not the handler.</summary>
internal sealed class NoopJob(DrainCounter counter) : IJob<NoopArgs>
{
    public Task ExecuteAsync(NoopArgs args, JobContext context, CancellationToken cancellationToken)
    {
        counter.Increment();
        return Task.CompletedTask;
    }
}

/// <summary>Stamps the moment its handler starts: the end of an enqueue-to-start latency sample.</summary>
internal sealed class LatencyJob(LatencyProbe probe) : IJob<LatencyArgs>
{
    public Task ExecuteAsync(LatencyArgs args, JobContext context, CancellationToken cancellationToken)
    {
        probe.Started();
        return Task.CompletedTask;
    }
}

/// <summary>Completes when the armed number of no-op jobs has run.</summary>
internal sealed class DrainCounter
{
    private int _count;
    private int _target = int.MaxValue;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count => Volatile.Read(ref _count);

    public Task Arm(int target)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _target, target);
        return _done.Task;
    }

    public void Increment()
    {
        if (Interlocked.Increment(ref _count) >= Volatile.Read(ref _target))
        {
            _done.TrySetResult();
        }
    }
}

/// <summary>One outstanding latency sample at a time: the sampler waits for each before the next.</summary>
internal sealed class LatencyProbe
{
    private TaskCompletionSource<long> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<long> Arm()
    {
        _started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _started.Task;
    }

    public void Started() => _started.TrySetResult(Stopwatch.GetTimestamp());
}
