using System.Collections.Concurrent;

namespace JobQueue.Hosting;

/// <summary>
/// What this host knows of jobs whose name it has no handler for: when it first met each one (the start of its
/// wait for a host that can run it), and which names it has already logged.
/// </summary>
/// <remarks>
/// Kept in memory: the store has no field for "waiting for a handler since", and a job's run time moves each time it
/// is handed back. A restarted host starts each wait again, which can only make a job wait longer, never fail early.
/// </remarks>
internal sealed class UnknownJobs
{
    // Entries of jobs another host ran are never removed by a failure here; past this many, the oldest go.
    private const int MaxTracked = 10_000;

    private readonly ConcurrentDictionary<JobId, DateTimeOffset> _firstSeen = new();
    private readonly ConcurrentDictionary<string, bool> _loggedNames = new(StringComparer.Ordinal);

    /// <summary>When this host first met the job (now, if this is the first time).</summary>
    public DateTimeOffset FirstSeen(JobId id, DateTimeOffset now)
    {
        if (_firstSeen.Count >= MaxTracked && !_firstSeen.ContainsKey(id))
        {
            foreach (KeyValuePair<JobId, DateTimeOffset> oldest in _firstSeen.OrderBy(static e => e.Value).Take(MaxTracked / 10))
            {
                _firstSeen.TryRemove(oldest);
            }
        }

        return _firstSeen.GetOrAdd(id, now);
    }

    /// <summary>Forgets a job that has ended here.</summary>
    public void Forget(JobId id) => _firstSeen.TryRemove(id, out _);

    /// <summary>True the first time a name is met, so it is logged once, not once per fetch.</summary>
    public bool FirstTimeFor(string name) => _loggedNames.TryAdd(name, true);
}
