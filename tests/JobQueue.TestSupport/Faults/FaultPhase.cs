namespace JobQueue.TestSupport.Faults;

/// <summary>
/// One fault of a <see cref="FaultSuite"/>: how it strikes, how it is kept up, how it ends, and the workload it meets.
/// </summary>
public sealed record FaultPhase
{
    /// <summary>What the fault is, for reports: "path stalled 8 s".</summary>
    public required string Name { get; init; }

    /// <summary>Strikes: the fault counts as in force once this returns.</summary>
    public required Func<Task> StartAsync { get; init; }

    /// <summary>Keeps the fault up: waits out its length, or strikes again (resets, terminations) until its window ends.</summary>
    public required Func<Task> HoldAsync { get; init; }

    /// <summary>Ends the fault (heal, thaw, release). Runs in a finally block, so a failed hold never leaves the fault in force.</summary>
    public required Func<Task> EndAsync { get; init; }

    /// <summary>
    /// Jobs enqueued before the fault. The first <see cref="FaultSuite.Concurrency"/> of them hold every slot at the
    /// timeline's gate until the fault strikes, so it always meets work in flight; the rest run during and after it.
    /// </summary>
    public int JobsBefore { get; init; } = 600;

    /// <summary>Jobs enqueued after the fault ended: the client works again, and the host runs new work.</summary>
    public int JobsAfter { get; init; } = 200;

    /// <summary>How long each job works once past the gate, so the workload lasts into and past the fault.</summary>
    public int WorkMilliseconds { get; init; } = 20;

    /// <summary>
    /// How many jobs after the held ones work <see cref="SlowWorkMilliseconds"/> instead: the jobs the first fetches
    /// into the fault lease. A fetch answered late hands out leases that are old or already expired; these jobs are
    /// still running when the first rescue after the fault comes, so a host that started them without renewing those
    /// leases first would see them rescued while they run, and run them twice though they were never in flight.
    /// </summary>
    public int SlowJobs { get; init; } = 2 * FaultSuite.Concurrency;

    /// <summary>How long each of the <see cref="SlowJobs"/> works.</summary>
    public int SlowWorkMilliseconds { get; init; } = 300;

    /// <summary>
    /// Whether the store is unreachable or refuses work for a while, so the host must log it (fetch, renewal, outcome
    /// or maintenance failures). False for a fault that only slows the store down, which must cost time and nothing
    /// else: then no store call may time out.
    /// </summary>
    public bool IsOutage { get; init; } = true;

    /// <summary>A fault that starts, lasts <paramref name="length"/> and ends.</summary>
    public static FaultPhase Lasting(string name, TimeSpan length, Func<Task> start, Func<Task> end) => new()
    {
        Name = name,
        StartAsync = start,

        // The fault's length, not a wait for work.
        HoldAsync = () => Task.Delay(length),
        EndAsync = end,
    };

    /// <summary>
    /// A fault that strikes <paramref name="strikes"/> times, <paramref name="interval"/> apart (connections reset or
    /// terminated again and again while jobs run), and needs no ending: its window closes after the last interval.
    /// </summary>
    public static FaultPhase Repeated(string name, int strikes, TimeSpan interval, Func<Task> strike) => new()
    {
        Name = name,
        StartAsync = strike,
        HoldAsync = async () =>
        {
            for (int i = 1; i < strikes; i++)
            {
                // The spacing of the strikes, part of the fault's shape.
                await Task.Delay(interval).ConfigureAwait(false);
                await strike().ConfigureAwait(false);
            }

            await Task.Delay(interval).ConfigureAwait(false);
        },
        EndAsync = () => Task.CompletedTask,
    };
}
