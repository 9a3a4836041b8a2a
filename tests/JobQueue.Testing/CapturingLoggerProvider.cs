using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace JobQueue.Testing;

/// <summary>Keeps every log entry in memory so tests can assert what the engine logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Every entry so far, oldest first.</summary>
    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
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
            => entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception, s_scope.Value?.ToString()));

        private sealed class ScopeRestorer(object? previous) : IDisposable
        {
            public void Dispose() => s_scope.Value = previous;
        }
    }
}

/// <summary>One captured log entry, with the innermost scope's text.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, string? Scope);
