using System.Diagnostics;

namespace JobQueue.TestSupport.Faults;

/// <summary>How a call sent into a stalled path ended: with an error, a result, or not within its bound.</summary>
/// <param name="Hung">True when the call had not ended within the bound.</param>
/// <param name="Error">What the call threw, if it ended by throwing.</param>
/// <param name="Elapsed">How long the call took, or the bound when it hung.</param>
public sealed record StalledCall(bool Hung, Exception? Error, TimeSpan Elapsed)
{
    /// <summary>Starts <paramref name="call"/> and waits for it no longer than <paramref name="bound"/>.</summary>
    /// <remarks>
    /// The call starts on the thread pool, as a request of its own would: a store that blocks its caller's thread
    /// before returning a task (SQLite waits for a lock inside the call) must not hold the bound's clock back.
    /// </remarks>
    public static async Task<StalledCall> RunAsync(Func<Task> call, TimeSpan bound)
    {
        ArgumentNullException.ThrowIfNull(call);
        long started = Stopwatch.GetTimestamp();
        Task task = Task.Run(call);

        // The bound is what is tested (a call that never ends must fail the test), not a wait for work.
        if (await Task.WhenAny(task, Task.Delay(bound)).ConfigureAwait(false) != task)
        {
            return new StalledCall(Hung: true, Error: null, bound);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        try
        {
            await task.ConfigureAwait(false);
            return new StalledCall(Hung: false, Error: null, elapsed);
        }
#pragma warning disable CA1031 // What the call threw is the result the test asserts on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new StalledCall(Hung: false, e, elapsed);
        }
    }

    /// <summary>Starts <paramref name="count"/> calls at once, as concurrent callers would, and waits for each no longer than <paramref name="bound"/>.</summary>
    public static Task<StalledCall[]> RunManyAsync(int count, Func<int, Task> call, TimeSpan bound)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Task.WhenAll(Enumerable.Range(0, count).Select(n => RunAsync(() => call(n), bound)));
    }

    /// <inheritdoc />
    public override string ToString() => Hung
        ? $"still pending after {Elapsed.TotalSeconds:0.0} s"
        : $"{(Error is null ? "succeeded" : $"threw {Error.GetType().Name} ({Error.Message})")} after {Elapsed.TotalSeconds:0.00} s";
}
