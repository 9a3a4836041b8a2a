using System.Collections.Concurrent;

namespace JobQueue.TestSupport;

/// <summary>
/// A singleton test jobs report to: what ran, in which order, and signals a test awaits instead of sleeping.
/// Gates let a test hold a job inside its handler until the test releases it.
/// </summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();
    private readonly ConcurrentQueue<string> _events = new();

    /// <summary>Every recorded event, in order.</summary>
    public IReadOnlyList<string> Events => _events.ToArray();

    /// <summary>Records an event and raises its signal.</summary>
    public void Record(string name)
    {
        _events.Enqueue(name);
        Signal(name).TrySetResult();
    }

    /// <summary>How many times an event was recorded.</summary>
    public int Count(string name) => _events.Count(e => e == name);

    /// <summary>Waits until <paramref name="name"/> was recorded, within the deadline.</summary>
    public Task WaitAsync(string name) => Deadline.Within(Signal(name).Task, $"event '{name}'");

    /// <summary>Opens the gate <paramref name="name"/>: jobs waiting on it go on.</summary>
    public void Open(string name) => Signal("gate:" + name).TrySetResult();

    /// <summary>Waits until the gate is opened or the token fires.</summary>
    public Task GateAsync(string name, CancellationToken cancellationToken) => Signal("gate:" + name).Task.WaitAsync(cancellationToken);

    private TaskCompletionSource Signal(string name)
        => _signals.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
