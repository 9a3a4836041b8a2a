using Microsoft.Extensions.Logging;

namespace JobQueue;

/// <summary>One message a job's handler logged through <see cref="ILogger"/> while it ran.</summary>
public sealed class JobLogLine
{
    /// <summary>When the message was logged.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The message's level.</summary>
    public required LogLevel Level { get; init; }

    /// <summary>The logger's category (usually the type that logged).</summary>
    public required string Category { get; init; }

    /// <summary>The formatted message, with the exception's type and message appended if one was logged; cut to 2,000 characters.</summary>
    public required string Message { get; init; }
}
