using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace JobQueue.TestSupport;

/// <summary>
/// Keeps every measurement of one meter in memory (long and double instruments), so tests can assert what the engine
/// recorded. Like log lines, counters of an outcome are recorded after the outcome is written: a test awaits the
/// totals it expects with <see cref="WaitForAsync"/> instead of reading them once the job is done.
/// </summary>
public sealed class CapturingMeterListener : IDisposable
{
    private readonly ConcurrentQueue<(string Instrument, double Value)> _measurements = new();
    private readonly MeterListener _listener;

    // Replaced, then completed, at every measurement; see CapturingLoggerProvider.
    private TaskCompletionSource _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts listening to the meter named <paramref name="meterName"/> whose scope is <paramref name="scope"/> (such as a host's <see cref="IMeterFactory"/>).</summary>
    public CapturingMeterListener(string meterName, object? scope)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == meterName && instrument.Meter.Scope == scope)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.Start();
    }

    /// <summary>The sum of the values recorded by <paramref name="instrument"/> so far.</summary>
    public double Sum(string instrument) => _measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    /// <summary>How many measurements <paramref name="instrument"/> has recorded so far.</summary>
    public int Count(string instrument) => _measurements.Count(m => m.Instrument == instrument);

    /// <summary>
    /// Completes once <paramref name="condition"/> holds (checked now and after every measurement); fails with a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and the totals so far if it does not hold within
    /// <see cref="Deadline.Default"/>.
    /// </summary>
    public async Task WaitForAsync(Func<CapturingMeterListener, bool> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (true)
        {
            // Read before the condition is checked: a measurement added after the check completes this task.
            Task recorded = Volatile.Read(ref _recorded).Task;
            if (condition(this))
            {
                return;
            }

            try
            {
                await recorded.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                string totals = string.Join(", ", _measurements.GroupBy(m => m.Instrument).Select(g => $"{g.Key}: sum {g.Sum(m => m.Value)}, count {g.Count()}"));
                throw new TimeoutException($"Timed out after {Deadline.Default.TotalSeconds}s waiting for {what}; recorded so far: {totals}.");
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Add(string instrument, double value)
    {
        _measurements.Enqueue((instrument, value));
        Interlocked.Exchange(ref _recorded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
