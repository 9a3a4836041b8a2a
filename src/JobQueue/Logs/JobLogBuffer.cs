using Microsoft.Extensions.Logging;

namespace JobQueue.Logs;

/// <summary>
/// The lines one attempt logs, bounded in memory while the handler runs: the last <see cref="MaxLines"/> lines, each
/// cut to <see cref="MaxLineLength"/> characters, and a count of the earlier lines dropped. Written to the store once,
/// when the attempt ends, so logging costs no store write per call.
/// </summary>
internal sealed class JobLogBuffer
{
    /// <summary>The most lines kept per attempt; earlier ones are dropped and counted.</summary>
    public const int MaxLines = 200;

    /// <summary>The longest message kept, in characters; a longer one is cut and marked.</summary>
    public const int MaxLineLength = 2000;

    private readonly Lock _gate = new();
    private readonly Queue<JobLogLine> _lines = new();
    private readonly TimeProvider _time;
    private int _dropped;

    public JobLogBuffer(int attempt, TimeProvider time)
    {
        Attempt = attempt;
        _time = time;
    }

    public int Attempt { get; }

    public void Add(LogLevel level, string category, string message, Exception? exception)
    {
        if (exception is not null)
        {
            message = $"{message} {exception.GetType().FullName}: {exception.Message}";
        }

        if (message.Length > MaxLineLength)
        {
            message = string.Concat(message.AsSpan(0, MaxLineLength - 1), "…");
        }

        var line = new JobLogLine { Timestamp = _time.GetUtcNow(), Level = level, Category = category, Message = message };
        lock (_gate)
        {
            if (_lines.Count == MaxLines)
            {
                _lines.Dequeue();
                _dropped++;
            }

            _lines.Enqueue(line);
        }
    }

    /// <summary>The lines so far, or null when the attempt logged nothing.</summary>
    public (IReadOnlyList<JobLogLine> Lines, int Dropped)? Snapshot()
    {
        lock (_gate)
        {
            return _lines.Count == 0 ? null : ([.. _lines], _dropped);
        }
    }
}
