using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace JobQueue.Testing;

/// <summary>Keeps every log entry in memory so tests can assert what the engine logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Found)> _waiters = [];

    /// <summary>Every entry so far, oldest first.</summary>
    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, Add);

    /// <summary>The first entry, logged already or from now on, that <paramref name="match"/> accepts; fails after the deadline.</summary>
    public Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match, string what)
    {
        var found = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            // Under the lock that Add takes too, so an entry logged meanwhile is either seen here or by Add.
            if (_entries.FirstOrDefault(match) is { } entry)
            {
                return Task.FromResult(entry);
            }

            _waiters.Add((match, found));
        }

        return Deadline.Within(found.Task, what);
    }

    private void Add(LogEntry entry)
    {
        lock (_waiters)
        {
            _entries.Enqueue(entry);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    _waiters[i].Found.TrySetResult(entry);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, Action<LogEntry> add) : ILogger
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
            => add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception, s_scope.Value?.ToString()));

        private sealed class ScopeRestorer(object? previous) : IDisposable
        {
            public void Dispose() => s_scope.Value = previous;
        }
    }
}

/// <summary>One captured log entry, with the innermost scope's text.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, string? Scope);
