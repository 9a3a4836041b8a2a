using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// The counts one fetch with limits decides by: each read from the store at most once per fetch, then kept up to date
/// with what the fetch itself leases and starts, so that jobs leased in the same call count against the limits.
/// </summary>
/// <remarks>Used inside the fetch's write transaction only: no other writer can change a count while it is kept here.</remarks>
internal sealed class FlowDecisions
{
    private readonly SqliteStatementCache _commands;
    private readonly DateTimeOffset _now;
    private readonly Dictionary<string, int> _runningWithKey = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Scope, TimeSpan Period), int> _startsInWindow = [];
    private readonly Dictionary<string, int> _startedNow = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _held = new(StringComparer.Ordinal);

    public FlowDecisions(SqliteStatementCache commands, DateTimeOffset now)
    {
        _commands = commands;
        _now = now;
    }

    public int RunningInQueue(string queue)
        => Convert.ToInt32(_commands.Get(FlowSql.RunningInQueue).With("$queue", queue).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

    public bool AnyLiveHold() => _commands.Get(FlowSql.AnyLiveHold).With("$now", _now).ExecuteScalar() is 1L;

    public bool IsHeld(string scope)
    {
        if (!_held.TryGetValue(scope, out bool held))
        {
            held = _commands.Get(FlowSql.IsHeld).With("$scope", scope).With("$now", _now).ExecuteScalar() is 1L;
            _held.Add(scope, held);
        }

        return held;
    }

    public int RunningWithKey(string key)
    {
        if (!_runningWithKey.TryGetValue(key, out int running))
        {
            running = Convert.ToInt32(_commands.Get(FlowSql.RunningWithKey).With("$key", key).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            _runningWithKey.Add(key, running);
        }

        return running;
    }

    /// <summary>A job with <paramref name="key"/> was leased in this fetch: it runs from now on.</summary>
    public void Leased(string key) => _runningWithKey[key] = RunningWithKey(key) + 1;

    /// <summary>How many more starts <paramref name="scope"/> allows at now (0 when full), this fetch's own starts counted.</summary>
    public int RateRoom(string scope, RateLimit limit)
    {
        if (!_startsInWindow.TryGetValue((scope, limit.Period), out int stored))
        {
            stored = Convert.ToInt32(_commands.Get(FlowSql.CountStarts)
                .With("$scope", scope)
                .With("$since", _now - limit.Period)
                .With("$starts", limit.Starts)
                .ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            _startsInWindow.Add((scope, limit.Period), stored);
        }

        // A start of this fetch is at now, inside every window of the scope that counts at now, whatever its period.
        return Math.Max(0, limit.Starts - stored - _startedNow.GetValueOrDefault(scope));
    }

    /// <summary>A start at now was recorded in <paramref name="scope"/> by this fetch.</summary>
    public void Started(string scope) => _startedNow[scope] = _startedNow.GetValueOrDefault(scope) + 1;
}
