using System.Diagnostics;
using FluentAssertions.Execution;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace JobQueue.Redis.Tests.Hosting;

/// <summary>
/// The worker host against a Redis server that stops answering but keeps its connections open (SIGSTOP): a stalled
/// VM, a server swapping hard, a long fork. Clients see silence and time-outs rather than a broken connection, and
/// when the server goes on it runs every command they sent meanwhile, including those whose callers gave up. Only the
/// public API is used (UseRedis, IJobClient, the host), so the test holds for any client the provider is built on.
/// </summary>
public sealed class RedisHostFreezeTests(ITestOutputHelper output)
{
    private const int Concurrency = 4;
    private const int JobCount = 300;
    private const int SlowJobs = 12;

    // Twice the 5 s command timeout (syncTimeout) both the old and the StackExchange.Redis client default to: every
    // kind of command the host sends (fetch, lease renewal, outcome write, maintenance) times out at least once and is
    // sent again while the server is still frozen. And over three lease durations (below), so the in-flight jobs'
    // leases lapse in the store and a rescue can reach them.
    private static readonly TimeSpan s_freeze = TimeSpan.FromSeconds(10);

    // Shorter than the freeze, so a job in flight at the freeze may lose its lease to a rescue: the one case in
    // which a job may run twice. Renewed every 1 s, which leaves 2 s of slack before a healthy job's lease could
    // lapse on a loaded machine outside the freeze.
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(3);

    // How long after the thaw the host may take to finish a job it started after the thaw. A host that recovers by
    // itself needs far less: a fetch pending at the thaw is answered at once (tens of milliseconds on the old client);
    // a client that dropped its connection reopens it within seconds (the old client: 5 s connect timeout, 2 s
    // reconnect backoff cap); and the fetch loop's doubling backoff (200 ms, capped at 30 s) never sleeps much longer
    // than the outage has lasted, 10 s. 20 s is above all of that with room for a loaded 2-core machine, and below
    // what a host that only limps back would show: a fetch backoff at its 30 s cap, or work that waits for the 30 s
    // default lease to lapse.
    private static readonly TimeSpan s_recoveryBound = TimeSpan.FromSeconds(20);

    // What the engine logs when a store call fails: fetch failed, lease renewal failed, outcome write retrying or
    // given up, maintenance step failed (Diagnostics/Log.cs).
    private static readonly int[] s_outageEvents = [1101, 1102, 2108, 2110, 3003];

    [Fact]
    public async Task WorkerHost_ServerFrozenTenSeconds_RecoversNoJobLostOnlyInFlightRunTwice()
    {
        await using RedisServer server = await RedisServer.StartAsync(restartable: true);
        var timeline = new RunTimeline();
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseRedis(server.ConnectionString, o => o.KeyPrefix = "freeze-" + Guid.NewGuid().ToString("N"))
                .AddJob<TimedGateJob>()
                .AddQueue(JobQueueOptions.DefaultQueueName, concurrency: Concurrency)
                .Configure(o =>
                {
                    o.LeaseDuration = s_lease;

                    // A fetch that timed out during the freeze still runs when the server goes on: its jobs are
                    // leased to a worker that never got them, and wait for a rescue once that lease lapses.
                    o.RescueInterval = TimeSpan.FromSeconds(1);

                    // A fetch sent during the freeze and answered at the thaw hands out leases that expired before the
                    // worker got them (a lease is reckoned from when the fetch was sent, and a 3 s lease is shorter than
                    // a 5 s command timeout). The engine renews such leases before it starts the jobs; without that, a
                    // rescue that comes before those jobs end takes them while they run, and they run twice though they
                    // were not in flight at the freeze. A 100 ms poll interval (the maintenance loop's sleep) makes that
                    // rescue come early, so the test would catch it.
                    o.PollInterval = TimeSpan.FromMilliseconds(100);
                }),
            s => s.AddSingleton(timeline));

        // Every job waits on one gate, so the first four hold all four slots until the server is frozen: the freeze
        // always meets work in flight, and nothing finishes (or writes an outcome) before it.
        // The first jobs work a little after the gate opens, so those fetched late at the thaw are still running when
        // the first rescue comes (see PollInterval above).
        IReadOnlyList<JobId> ids = await host.Client.EnqueueManyAsync(Enumerable.Range(0, JobCount).Select(n => new TimedGateArgs(n, n < SlowJobs ? 300 : 0)));
        await timeline.WaitForStartsAsync(Concurrency);

        long frozenAt = 0;
        long thawingAt;
        try
        {
            await server.FreezeAsync();
            frozenAt = Stopwatch.GetTimestamp();

            // The held handlers end while the server is frozen: their outcome writes, the lease renewals and the
            // fetches for the freed slots all meet a server that does not answer.
            timeline.OpenGate();

            // The outage's length, not a wait for work: nothing is awaited here but the fault's duration.
            await Task.Delay(s_freeze);
        }
        finally
        {
            // Taken before SIGCONT: a run the thawed server starts at once must not count as started while frozen.
            thawingAt = Stopwatch.GetTimestamp();
            await server.ThawAsync();
        }

        // In enqueue order, so jobs[n] is job n.
        IReadOnlyList<JobInfo> jobs = await WaitForAllAsync(host, ids);

        // The loop whose store call failed logs it when the call gives up, which need not be before the last job
        // finished: awaited, not read from the log as it is now.
        await host.Logs.WaitForAsync(entry => s_outageEvents.Contains(entry.EventId.Id),
            "the host to notice a server that stopped answering, or the freeze tested nothing");

        IReadOnlyList<RunTimeline.Run> runs = timeline.Runs;
        ILookup<int, RunTimeline.Run> runsByJob = runs.ToLookup(run => run.N);
        HashSet<int> inFlight = runs.Where(run => run.StartedAt < frozenAt).Select(run => run.N).ToHashSet();
        long? firstFinishAfterThaw = runs.Where(run => run.StartedAt >= thawingAt).Min(run => run.FinishedAt);
        TimeSpan? recovery = firstFinishAfterThaw is long at ? Stopwatch.GetElapsedTime(thawingAt, at) : null;
        string report = Describe(host, jobs, runs, inFlight, frozenAt, thawingAt, recovery);
        output.WriteLine(report);

        using var scope = new AssertionScope();
        scope.AddReportable("timeline", report);
        jobs.Should().OnlyContain(job => job.State == JobState.Succeeded, "a freeze costs time, not jobs");
        Enumerable.Range(0, JobCount).Where(n => !runsByJob[n].Any(run => run.FinishedAt is not null)).Should()
            .BeEmpty("every job's handler runs to its end at least once (no job is lost)");
        inFlight.Should().HaveCount(Concurrency, "the gate holds every slot until the freeze, so the freeze meets work in flight");
        runs.Where(run => run.StartedAt >= frozenAt && run.StartedAt < thawingAt).Select(run => run.N).Should()
            .BeEmpty("a frozen server leases nothing, so no run starts while it is frozen");
        foreach (IGrouping<int, RunTimeline.Run> twice in runsByJob.Where(group => group.Count() > 1))
        {
            // A second run is allowed only for a job that was in flight at the freeze and whose lease a rescue took
            // (it lapsed while renewals timed out): the rescue is what records the lease-expired error.
            int n = twice.Key;
            inFlight.Should().Contain(n, $"job {n} ran {twice.Count()} times, which only a job in flight at the freeze may do");
            twice.Should().HaveCount(2, $"job {n} was in flight at the freeze, so at most its one interrupted run is repeated");
            WasRescued(jobs[n]).Should().BeTrue($"job {n} ran again, which only a rescue of its lapsed lease allows");
        }

        recovery.Should().NotBeNull("the host must finish jobs it started after the thaw");
        recovery.Should().BeLessThan(s_recoveryBound, "the host recovers by itself within seconds of the thaw, without a restart");
    }

    /// <summary>Waits for every job to reach a final state within one deadline; on time-out, says which did not and where they are.</summary>
    private static async Task<IReadOnlyList<JobInfo>> WaitForAllAsync(TestHost host, IReadOnlyList<JobId> ids)
    {
        var jobs = new List<JobInfo>(ids.Count);
        using var deadline = new CancellationTokenSource(Deadline.Default);
        try
        {
            foreach (JobId id in ids)
            {
                jobs.Add(await host.Client.WaitForCompletionAsync(id, deadline.Token));
            }

            return jobs;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var states = new List<string>();
            foreach (JobId id in ids.Skip(jobs.Count))
            {
                JobInfo? info = await host.Client.GetAsync(id);
                states.Add($"{id} {info?.State} attempt {info?.Attempt}");
            }

            throw new TimeoutException(
                $"{states.Count} of {ids.Count} jobs did not finish within {Deadline.Default.TotalSeconds} s of the thaw: " +
                $"{string.Join("; ", states.Take(10))}\n{DescribeLogs(host)}");
        }
    }

    /// <summary>The run and log timeline, relative to the freeze, for the test output and any failure message.</summary>
    private static string Describe(TestHost host, IReadOnlyList<JobInfo> jobs, IReadOnlyList<RunTimeline.Run> runs, IReadOnlySet<int> inFlight,
        long frozenAt, long thawingAt, TimeSpan? recovery)
    {
        string Since(long at) => $"{Stopwatch.GetElapsedTime(frozenAt, at).TotalSeconds:+0.000;-0.000} s";
        IEnumerable<string> lines =
        [
            $"frozen at 0 s, thawed at {Since(thawingAt)}; recovery (thaw to first end of a run started after it): {recovery?.TotalSeconds:0.000} s",
            $"runs: {runs.Count} for {runs.Select(run => run.N).Distinct().Count()} jobs; in flight at the freeze: [{string.Join(", ", inFlight.Order())}]",
            .. runs.Where(run => inFlight.Contains(run.N)).Select(run =>
                $"  job {run.N}: started {Since(run.StartedAt)}, ended {(run.FinishedAt is long end ? Since(end) : "never")}"),
            .. runs.GroupBy(run => run.N).Where(group => group.Count() > 1).Select(group => $"  job {group.Key} ran {group.Count()} times"),
            $"rescued (a lease-expired error is recorded): [{string.Join(", ", Enumerable.Range(0, jobs.Count).Where(n => WasRescued(jobs[n])))}]",
            DescribeLogs(host),
        ];
        return string.Join('\n', lines);
    }

    /// <summary>Whether a rescue took the job's lease at some attempt: the rescue records a lease-expired error.</summary>
    private static bool WasRescued(JobInfo job) => job.Errors.Any(error => error.Type == "JobQueue.LeaseExpiredException");

    /// <summary>
    /// What the host logged about the outage, per event id: how many, and the first one's message and exception. Warnings
    /// and errors, plus refused outcomes (2107, debug) and rescues (3001, information), which tell how the freeze ended.
    /// </summary>
    private static string DescribeLogs(TestHost host) => "host log (by event id):\n" + string.Join('\n', host.Logs.Entries
        .Where(entry => entry.Level >= LogLevel.Warning || entry.EventId.Id is 2107 or 3001)
        .GroupBy(entry => entry.EventId.Id)
        .OrderBy(group => group.Key)
        .Select(group => $"  {group.Key} x{group.Count()}: {group.First().Message}" +
            (group.First().Exception is Exception error ? $" [{error.GetType().Name}: {error.Message}]" : string.Empty)));
}
