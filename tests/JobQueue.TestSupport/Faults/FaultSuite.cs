using System.Diagnostics;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.TestSupport.Faults;

/// <summary>
/// One worker host on a real store, and faults injected into it in turn (<see cref="RunAsync"/>), each meeting work in
/// flight: the shared half of every store's fault suite. The host is never restarted between faults, so each fault
/// also proves that the host recovered from the ones before it by itself.
/// </summary>
/// <remarks>
/// Only the public API is used (a <c>Use*</c> store, <see cref="IJobClient"/>, the hosted worker), so what holds here
/// holds for an application. Jobs are <see cref="TimedGateJob"/>s numbered across the suite, recorded in a
/// <see cref="RunTimeline"/> on the <see cref="Stopwatch"/> clock that the fault's instants are read from.
/// </remarks>
public sealed class FaultSuite : IAsyncDisposable
{
    /// <summary>Jobs the host runs at once.</summary>
    public const int Concurrency = 8;

    /// <summary>
    /// The host's lease: shorter than the outages the suites inject, so a job in flight at an outage may lose its
    /// lease to a rescue (the one case in which a job may run twice, and the case the suite must see handled). Renewed
    /// every 1 s, which leaves 2 s of slack before a healthy job's lease could lapse on a loaded 2-core machine.
    /// </summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long after a fault ends the host may take to finish a job it started after the end. A host that recovers
    /// by itself needs a few seconds: its failed store calls end within their time-outs (a few seconds in the suites),
    /// reconnects are quick on loopback, and the fetch loop's doubling backoff never sleeps much longer than the outage
    /// lasted (at most 10 s here). 20 s leaves room for a loaded 2-core machine and is below what a host that only
    /// limps back would show: a fetch backoff at its 30 s cap, or a connection that waits out a 30 s default time-out.
    /// </summary>
    public static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(20);

    // A client that keeps failing after the fault ended is a finding, not something to retry until the deadline.
    private const int MaxClientErrors = 20;

    private const string ProbeQueue = "fault-probes";

    private readonly RunTimeline _timeline;
    private int _nextNumber;

    private FaultSuite(TestHost host, RunTimeline timeline)
    {
        Host = host;
        _timeline = timeline;
    }

    /// <summary>The worker host, its client and its log.</summary>
    public TestHost Host { get; }

    /// <summary>Starts a host on the store that <paramref name="useStore"/> chooses, with the suite's job, queue and timings.</summary>
    public static async Task<FaultSuite> StartAsync(Action<JobQueueBuilder> useStore)
    {
        ArgumentNullException.ThrowIfNull(useStore);
        var timeline = new RunTimeline();
        TestHost host = await TestHost.StartAsync(
            q =>
            {
                useStore(q);
                q.AddJob<TimedGateJob>()
                    .AddQueue(JobQueueOptions.DefaultQueueName, concurrency: Concurrency)
                    .Configure(o =>
                    {
                        o.LeaseDuration = LeaseDuration;

                        // A job whose lease lapsed in the outage comes back within a second of the lapse.
                        o.RescueInterval = TimeSpan.FromSeconds(1);

                        // Idle fetch loops and maintenance look again often: recovery is measured, not waited for.
                        o.PollInterval = TimeSpan.FromMilliseconds(100);
                    });
            },
            s => s.AddSingleton(timeline)).ConfigureAwait(false);
        return new FaultSuite(host, timeline);
    }

    /// <summary>
    /// Runs one fault against a workload: enqueues <see cref="FaultPhase.JobsBefore"/> jobs whose first runs hold
    /// every slot, strikes, lets the held runs end into the fault, keeps it up, ends it, enqueues
    /// <see cref="FaultPhase.JobsAfter"/> more, and waits until every job is final.
    /// </summary>
    public async Task<FaultPhaseResult> RunAsync(FaultPhase phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        int logMark = Host.Logs.Entries.Count;
        _timeline.CloseGate();
        int startsBefore = _timeline.Runs.Count;
        int[] before = Numbers(phase.JobsBefore);
        IReadOnlyList<JobId> beforeIds = await Host.Client.EnqueueManyAsync(before.Select((n, i) =>
            new TimedGateArgs(n, i >= Concurrency && i < Concurrency + phase.SlowJobs ? phase.SlowWorkMilliseconds : phase.WorkMilliseconds)))
            .ConfigureAwait(false);

        // Every job before this phase is final, so every start from here is one of this phase's.
        await _timeline.WaitForStartsAsync(startsBefore + Concurrency).ConfigureAwait(false);

        long injectedAt = 0;
        long healingAt;
        try
        {
            await phase.StartAsync().ConfigureAwait(false);
            injectedAt = Stopwatch.GetTimestamp();

            // The held runs end into the fault: their outcome writes, the lease renewals and the fetches for the freed
            // slots all meet it.
            _timeline.OpenGate();
            await phase.HoldAsync().ConfigureAwait(false);
        }
        finally
        {
            // Taken before the fault ends: a run that starts the moment it ends must not count as started during it.
            healingAt = Stopwatch.GetTimestamp();
            await phase.EndAsync().ConfigureAwait(false);
            _timeline.OpenGate();
        }

        (int[] after, IReadOnlyList<JobId> afterIds, IReadOnlyList<Exception> enqueueErrors) = await EnqueueAfterAsync(phase).ConfigureAwait(false);
        int[] numbers = [.. before, .. after];
        (IReadOnlyList<JobInfo> jobs, IReadOnlyList<Exception> readErrors) = await WaitForAllAsync([.. beforeIds, .. afterIds], numbers).ConfigureAwait(false);
        var tracked = numbers.ToHashSet();
        return new FaultPhaseResult(
            phase,
            numbers,
            jobs,
            [.. _timeline.Runs.Where(run => tracked.Contains(run.N))],
            injectedAt,
            healingAt,
            enqueueErrors,
            readErrors,
            [.. Host.Logs.Entries.Skip(logMark)]);
    }

    /// <summary>
    /// Enqueues a lone job, as a test's probe into a fault: into a queue no worker serves, so the job never runs
    /// and never takes a slot of a later phase, whether or not the fault let it be written.
    /// </summary>
    public Task EnqueueProbeAsync() => Host.Client.EnqueueAsync(new TimedGateArgs(-1), new EnqueueOptions { Queue = ProbeQueue }).AsTask();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private int[] Numbers(int count)
    {
        int first = _nextNumber;
        _nextNumber += count;
        return [.. Enumerable.Range(first, count)];
    }

    /// <summary>
    /// Enqueues the after-fault jobs as an application would: a call that fails (a pooled connection the fault broke,
    /// found broken only when used) is tried again. Each try gets new numbers: a failed call may still have written its
    /// jobs (the outcome of a call that broke mid-way is unknown), and those must not pass for runs of the tracked ones.
    /// </summary>
    private async Task<(int[] Numbers, IReadOnlyList<JobId> Ids, IReadOnlyList<Exception> Errors)> EnqueueAfterAsync(FaultPhase phase)
    {
        var errors = new List<Exception>();
        using var deadline = new CancellationTokenSource(Deadline.Default);
        while (true)
        {
            int[] numbers = Numbers(phase.JobsAfter);
            try
            {
                IReadOnlyList<JobId> ids = await Host.Client.EnqueueManyAsync(numbers.Select(n => new TimedGateArgs(n, phase.WorkMilliseconds)),
                    cancellationToken: deadline.Token).ConfigureAwait(false);
                return (numbers, ids, errors);
            }
            catch (Exception e) when (!deadline.IsCancellationRequested && e is not OperationCanceledException && errors.Count < MaxClientErrors)
            {
                errors.Add(e);
            }
        }
    }

    /// <summary>
    /// Waits for every job to reach a final state, within one deadline, reading a job again when a read fails (the
    /// client's first calls after a fault may meet broken connections). On time-out, says which jobs did not finish.
    /// </summary>
    private async Task<(IReadOnlyList<JobInfo> Jobs, IReadOnlyList<Exception> Errors)> WaitForAllAsync(IReadOnlyList<JobId> ids, int[] numbers)
    {
        var jobs = new List<JobInfo>(ids.Count);
        var errors = new List<Exception>();
        using var deadline = new CancellationTokenSource(Deadline.Default);
        try
        {
            for (int i = 0; i < ids.Count;)
            {
                try
                {
                    jobs.Add(await Host.Client.WaitForCompletionAsync(ids[i], deadline.Token).ConfigureAwait(false));
                    i++;
                }
                catch (Exception e) when (e is not OperationCanceledException && errors.Count < MaxClientErrors)
                {
                    errors.Add(e);
                }
            }

            return (jobs, errors);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var stuck = new List<string>();
            int count = 0;
            for (int i = jobs.Count; i < ids.Count; i++)
            {
                JobInfo? info = await Host.Client.GetAsync(ids[i]).ConfigureAwait(false);
                if (info?.IsFinished != true && count++ < 10)
                {
                    stuck.Add($"job {numbers[i]} {info?.State.ToString() ?? "missing"} at attempt {info?.Attempt}");
                }
            }

            throw new TimeoutException(
                $"{count} of {ids.Count} jobs were not final {Deadline.Default.TotalSeconds} s after the fault ended (lost, or the host did not work again): " +
                $"{string.Join("; ", stuck)}; failed reads: {errors.Count}\n{FaultPhaseResult.DescribeLogs(Host.Logs.Entries)}");
        }
    }
}
