using System.Diagnostics;

namespace Hangfire.PeerBench;

/// <summary>The same small arguments as JobQueue's benchmark jobs: a Guid and a short string.</summary>
public sealed record NoopArgs(Guid Id, string Name);

/// <summary>
/// The jobs Hangfire runs: a no-op that counts (drains) and one that stamps its start (latency). Static because
/// Hangfire calls public methods by expression; one measurement runs at a time.
/// </summary>
public static class Jobs
{
    private static int s_count;
    private static int s_target = int.MaxValue;
    private static TaskCompletionSource s_drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static TaskCompletionSource<long> s_started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when <paramref name="target"/> no-op jobs have run.</summary>
    public static Task Arm(int target)
    {
        s_drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref s_count, 0);
        Volatile.Write(ref s_target, target);
        return s_drained.Task;
    }

    /// <summary>Completes with the timestamp at which the next latency job starts.</summary>
    public static Task<long> ArmLatency()
    {
        s_started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        return s_started.Task;
    }

    /// <summary>Does nothing but count.</summary>
    public static void Noop(NoopArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (Interlocked.Increment(ref s_count) >= Volatile.Read(ref s_target))
        {
            s_drained.TrySetResult();
        }
    }

    /// <summary>Stamps the moment it starts.</summary>
    public static void Latency(NoopArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        s_started.TrySetResult(Stopwatch.GetTimestamp());
    }
}
