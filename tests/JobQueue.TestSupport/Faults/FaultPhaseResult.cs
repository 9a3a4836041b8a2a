using System.Diagnostics;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.Logging;

namespace JobQueue.TestSupport.Faults;

/// <summary>What one fault of a <see cref="FaultSuite"/> left behind: the jobs, their runs, the fault's instants and the host's log.</summary>
/// <param name="Phase">The fault.</param>
/// <param name="Numbers">The numbers of the phase's jobs, in the order of <paramref name="Jobs"/>.</param>
/// <param name="Jobs">Every job of the phase, final.</param>
/// <param name="Runs">Every run of the phase's jobs, in the order they started.</param>
/// <param name="InjectedAt">When the fault was in force, on the <see cref="Stopwatch"/> clock.</param>
/// <param name="HealingAt">When the fault began to end (before the heal, thaw or release).</param>
/// <param name="EnqueueErrors">What the enqueues after the fault threw before one went through.</param>
/// <param name="ReadErrors">What reading the jobs after the fault threw before the reads went through.</param>
/// <param name="Logs">What the host logged from the start of the phase.</param>
public sealed record FaultPhaseResult(
    FaultPhase Phase,
    IReadOnlyList<int> Numbers,
    IReadOnlyList<JobInfo> Jobs,
    IReadOnlyList<RunTimeline.Run> Runs,
    long InjectedAt,
    long HealingAt,
    IReadOnlyList<Exception> EnqueueErrors,
    IReadOnlyList<Exception> ReadErrors,
    IReadOnlyList<LogEntry> Logs)
{
    /// <summary>
    /// What the host logs when a store call fails or comes back late: fetch failed, lease renewal failed, a late fetch
    /// renewed or not started, outcome write retrying or given up, maintenance step failed (engine), and a lost
    /// listening or Redis connection (stores). See docs/diagnostics.md.
    /// </summary>
    public static IReadOnlySet<int> OutageEvents { get; } = new HashSet<int> { 1101, 1102, 1104, 1105, 2108, 2110, 3003, 5101, 5301 };

    /// <summary>
    /// What the host logs when a store call fails: fetch failed, lease renewal failed, a late fetch's renewal failed,
    /// outcome write retrying or given up, maintenance step failed.
    /// </summary>
    public static IReadOnlySet<int> FailureEvents { get; } = new HashSet<int> { 1101, 1102, 1105, 2108, 2110, 3003 };

    /// <summary>Jobs with a run that started before the fault ended: in flight at it, the only jobs that may run twice.</summary>
    public IReadOnlySet<int> InFlight => Runs.Where(run => run.StartedAt < HealingAt).Select(run => run.N).ToHashSet();

    /// <summary>Jobs running when the fault struck.</summary>
    public IReadOnlySet<int> RunningAtStrike => Runs.Where(run => run.StartedAt < InjectedAt).Select(run => run.N).ToHashSet();

    /// <summary>Jobs whose handler started more than once.</summary>
    public IReadOnlyList<int> RunTwice => [.. Runs.GroupBy(run => run.N).Where(group => group.Count() > 1).Select(group => group.Key).Order()];

    /// <summary>From the fault's end to the end of the first run that started after it: how long the host took to work again.</summary>
    public TimeSpan? Recovery => Runs.Where(run => run.StartedAt >= HealingAt).Min(run => run.FinishedAt) is long at
        ? Stopwatch.GetElapsedTime(HealingAt, at)
        : null;

    /// <summary>How long the fault lasted.</summary>
    public TimeSpan Length => Stopwatch.GetElapsedTime(InjectedAt, HealingAt);

    /// <summary>How many times a rescue took the job's lease: each rescue records a lease-expired error.</summary>
    public static int Rescues(JobInfo job) => job.Errors.Count(error => error.Type == "JobQueue.LeaseExpiredException");

    /// <summary>The phase's timeline and log, relative to the strike, for the test output and any failure message.</summary>
    public string Describe()
    {
        string Since(long at) => $"{Stopwatch.GetElapsedTime(InjectedAt, at).TotalSeconds:+0.000;-0.000} s";
        Dictionary<int, JobInfo> byNumber = Numbers.Zip(Jobs).ToDictionary(pair => pair.First, pair => pair.Second);
        IEnumerable<string> lines =
        [
            $"fault: {Phase.Name}: struck at 0 s, ended at {Since(HealingAt)}; recovery (end to first end of a run started after it): " +
                $"{Recovery?.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) ?? "none"} s",
            $"jobs: {Jobs.Count}, runs: {Runs.Count}; running at the strike: {RunningAtStrike.Count}; in flight (started before the end): {InFlight.Count}; " +
                $"ran twice: {RunTwice.Count} [{string.Join(", ", RunTwice.Take(20))}]",
            $"rescued: {Jobs.Count(job => Rescues(job) > 0)} [{string.Join(", ", Numbers.Where((n, i) => Rescues(Jobs[i]) > 0).Take(20))}]; states: {string.Join(", ", Jobs.GroupBy(job => job.State).Select(group => $"{group.Key} {group.Count()}"))}",
            .. RunTwice.Union(byNumber.Where(pair => Rescues(pair.Value) > 0).Select(pair => pair.Key)).Take(10).Select(n =>
                $"  job {n}: runs [{string.Join(", ", Runs.Where(run => run.N == n).Select(run => $"{Since(run.StartedAt)} to {(run.FinishedAt is long end ? Since(end) : "never")}"))}], " +
                $"attempt {byNumber[n].Attempt}, rescued {Rescues(byNumber[n])} times"),
            $"client after the fault: {EnqueueErrors.Count} failed enqueues, {ReadErrors.Count} failed reads" +
                string.Concat(EnqueueErrors.Concat(ReadErrors).Take(3).Select(error => $"\n  {error.GetType().Name}: {error.Message}")),
            DescribeLogs(Logs),
        ];
        return string.Join('\n', lines);
    }

    /// <summary>
    /// What the host logged, per event id: how many, and the first one's message and exception. Warnings and errors,
    /// plus refused outcomes (2107, debug) and rescues (3001, information), which tell how a fault ended.
    /// </summary>
    public static string DescribeLogs(IEnumerable<LogEntry> logs) => "host log (by event id):\n" + string.Join('\n', logs
        .Where(entry => entry.Level >= LogLevel.Warning || entry.EventId.Id is 2107 or 3001)
        .GroupBy(entry => entry.EventId.Id)
        .OrderBy(group => group.Key)
        .Select(group => $"  {group.Key} x{group.Count()}: {group.First().Message}" +
            (group.First().Exception is Exception error ? $" [{error.GetType().Name}: {error.Message}]" : string.Empty)));
}
