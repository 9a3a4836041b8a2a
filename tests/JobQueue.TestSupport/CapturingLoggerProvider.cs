using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace JobQueue.TestSupport;

/// <summary>Keeps every log entry in memory so tests can assert what the engine logged.</summary>
/// <remarks>
/// The engine logs an outcome after it has written it, so a job can be seen finished before its log line exists:
/// a test that expects an entry awaits it with <see cref="WaitForAsync"/> instead of reading <see cref="Entries"/>
/// once the job is done. <see cref="Entries"/> is for entries that precede what the test awaited, and for absences.
/// </remarks>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    // Replaced, then completed, at every entry: a waiter that read it before looking at the entries sees a later one.
    private TaskCompletionSource _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every entry so far, oldest first.</summary>
    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, this);

    /// <summary>
    /// Returns the first entry that matches <paramref name="predicate"/>, waiting for it to be logged if it has not
    /// been yet; fails with a <see cref="TimeoutException"/> naming <paramref name="what"/> and listing the event ids
    /// logged so far if none is logged within <see cref="Deadline.Default"/>.
    /// </summary>
    public async Task<LogEntry> WaitForAsync(Func<LogEntry, bool> predicate, string what)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (true)
        {
            // Read before the entries are searched: an entry added after the search completes this task.
            Task logged = Volatile.Read(ref _logged).Task;
            foreach (LogEntry entry in _entries)
            {
                if (predicate(entry))
                {
                    return entry;
                }
            }

            try
            {
                await logged.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                string seen = string.Join(", ", _entries.GroupBy(e => e.EventId.Id).Select(g => $"{g.Key} x{g.Count()}"));
                throw new TimeoutException($"Timed out after {Deadline.Default.TotalSeconds}s waiting for {what}; logged so far (event id x count): {seen}.");
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        _entries.Enqueue(entry);
        Interlocked.Exchange(ref _logged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private sealed class CapturingLogger(string category, CapturingLoggerProvider provider) : ILogger
    {
        private static readonly AsyncLocal<object?> s_scope = new();

        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            object? previous = s_scope.Value;
            s_scope.Value = state;
            return new ScopeRestorer(previous);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception, s_scope.Value?.ToString()));

        private sealed class ScopeRestorer(object? previous) : IDisposable
        {
            public void Dispose() => s_scope.Value = previous;
        }
    }
}

/// <summary>One captured log entry, with the innermost scope's text.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, string? Scope);
