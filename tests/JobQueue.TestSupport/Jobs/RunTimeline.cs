using System.Collections.Concurrent;
using System.Diagnostics;

namespace JobQueue.TestSupport.Jobs;

/// <summary>
/// Every run of <see cref="TimedGateJob"/>: its job number and when it started and ended, on the
/// <see cref="Stopwatch"/> clock, so a test can line runs up with a fault it injected at a known instant (which runs
/// were in flight, which started while the store was down, how long the host took to recover). Also the gate the
/// runs wait on, and a signal for "this many runs have started".
/// </summary>
public sealed class RunTimeline
{
    private readonly ConcurrentQueue<Run> _runs = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _startSignals = new();
    private readonly Lock _gateLock = new();
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    /// <summary>Every run so far, in the order they started.</summary>
    public IReadOnlyList<Run> Runs => _runs.ToArray();

    /// <summary>Records the start of a run of job <paramref name="n"/>; the handler calls <see cref="Run.Finish"/> at its end.</summary>
    public Run Start(int n)
    {
        var run = new Run(n, Stopwatch.GetTimestamp());
        _runs.Enqueue(run);
        int started = Interlocked.Increment(ref _started);
        if (_startSignals.TryGetValue(started, out TaskCompletionSource? signal))
        {
            signal.TrySetResult();
        }

        return run;
    }

    /// <summary>Waits until <paramref name="count"/> runs have started, within the deadline.</summary>
    public Task WaitForStartsAsync(int count)
    {
        TaskCompletionSource signal = _startSignals.GetOrAdd(count, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        // The start that reached the count may have looked for the signal before it was added: check the count again.
        if (Volatile.Read(ref _started) >= count)
        {
            signal.TrySetResult();
        }

        return Deadline.Within(signal.Task, $"{count} runs to start");
    }

    /// <summary>Opens the gate: runs waiting on it go on, and later runs pass it at once.</summary>
    public void OpenGate()
    {
        lock (_gateLock)
        {
            _gate.TrySetResult();
        }
    }

    /// <summary>Closes an opened gate again, so that the next runs wait for the next <see cref="OpenGate"/>.</summary>
    public void CloseGate()
    {
        lock (_gateLock)
        {
            if (_gate.Task.IsCompleted)
            {
                _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Waits until the gate is open or the token fires.</summary>
    public Task GateAsync(CancellationToken cancellationToken) => Volatile.Read(ref _gate).Task.WaitAsync(cancellationToken);

    /// <summary>One run of one job: a handler invocation, not a stored attempt.</summary>
    public sealed class Run(int n, long startedAt)
    {
        private long _finishedAt;

        /// <summary>The job's number.</summary>
        public int N { get; } = n;

        /// <summary>When the handler started, as a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
        public long StartedAt { get; } = startedAt;

        /// <summary>When the handler ran to its end, or null if it has not (still running, or cancelled).</summary>
        public long? FinishedAt => Volatile.Read(ref _finishedAt) is var at and not 0 ? at : null;

        /// <summary>Records that the handler ran to its end.</summary>
        public void Finish() => Volatile.Write(ref _finishedAt, Stopwatch.GetTimestamp());
    }
}
