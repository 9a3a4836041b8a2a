using Microsoft.Extensions.Logging;

namespace JobQueue.Logs;

/// <summary>
/// The logger provider AddJobQueue registers: while a handler runs, whatever it (or code it calls) logs through any
/// <see cref="ILogger"/> of the host's logger factory also goes to the running attempt's <see cref="JobLogBuffer"/>.
/// The attempt is found through the async flow the engine starts the handler in; outside a handler it costs one
/// AsyncLocal read per enabled check.
/// </summary>
internal sealed class JobLogCapture : ILoggerProvider
{
    private static readonly AsyncLocal<JobLogBuffer?> s_current = new();

    /// <summary>The attempt whose handler runs in this async flow, if any.</summary>
    public static JobLogBuffer? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && s_current.Value is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.None && s_current.Value is { } buffer)
            {
                buffer.Add(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
