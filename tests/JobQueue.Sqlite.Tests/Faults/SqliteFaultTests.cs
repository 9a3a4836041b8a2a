using JobQueue.TestSupport;
using JobQueue.TestSupport.Faults;
using JobQueue.TestSupport.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace JobQueue.Sqlite.Tests.Faults;

/// <summary>
/// The worker host on SQLite with the faults a shared database file meets: another connection (another process, a
/// backup, a migration tool) holding the write lock for seconds, and a worker process killed mid-run. After each: no
/// job lost, only jobs in flight during the fault run twice, and the host works again by itself.
/// </summary>
public sealed class SqliteFaultTests(ITestOutputHelper output) : IDisposable
{
    // One attempt waits this long for the lock, and a write tries 1 + BusyRetryLimit times: a write fails after about
    // 3 s of lock. Lower than the defaults (5 s, 5 retries: half a minute) so that a lock of seconds becomes an outage
    // the suite can hold without waiting half a minute per fault.
    private static readonly TimeSpan s_busyTimeout = TimeSpan.FromSeconds(1);
    private const int BusyRetryLimit = 2;

    // Within one write's budget of about 3 s: every write waits the lock out.
    private static readonly TimeSpan s_shortLock = TimeSpan.FromSeconds(2);

    // Past one write's budget and over two leases: writes fail (fetches, renewals, outcomes, maintenance), and the
    // leases of the jobs in flight lapse.
    private static readonly TimeSpan s_longLock = TimeSpan.FromSeconds(8);

    // How long an enqueue sent into the long lock may take to fail: its own 3 s budget, and the budgets of the writes
    // queued before it in this process (the store writes one at a time), with room for a loaded machine; shorter
    // than the lock, so an enqueue that waits for the release cannot pass.
    private static readonly TimeSpan s_lockedCallBound = TimeSpan.FromSeconds(7);

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task WorkerHost_WriteLockHeldByAnotherConnection_RecoversNoJobLostOnlyInFlightRunTwice()
    {
        await using FaultSuite suite = await FaultSuite.StartAsync(q => q.UseSqlite(_database.FilePath, o =>
        {
            o.BusyTimeout = s_busyTimeout;
            o.BusyRetryLimit = BusyRetryLimit;
        }));
        StalledCall? lockedEnqueue = null;
        var results = new List<FaultPhaseResult>();
        SqliteConnection? holder = null;

        try
        {
            results.Add(await RunAsync(suite, FaultPhase.Lasting($"write lock held {s_shortLock.TotalSeconds} s by another connection", s_shortLock,
                () => Lock(ref holder), () => Release(ref holder)) with { JobsBefore = 1200, JobsAfter = 400, IsOutage = false }));
            results.Add(await RunAsync(suite, new FaultPhase
            {
                Name = $"write lock held {s_longLock.TotalSeconds} s by another connection",
                JobsBefore = 1200,
                JobsAfter = 400,
                StartAsync = () => Lock(ref holder),
                HoldAsync = async () =>
                {
                    // The lock's length, not a wait for work.
                    Task held = Task.Delay(s_longLock);
                    lockedEnqueue = await StalledCall.RunAsync(suite.EnqueueProbeAsync, s_lockedCallBound);
                    await held;
                },
                EndAsync = () => Release(ref holder),
            }));
        }
        finally
        {
            holder?.Dispose();
        }

        output.WriteLine($"enqueue into the lock: {lockedEnqueue}");
        results.Sum(result => result.Jobs.Count).Should().BeGreaterThanOrEqualTo(3000, "the suite's workload is at least 3,000 jobs");
        lockedEnqueue.Should().NotBeNull();
        lockedEnqueue!.Hung.Should().BeFalse($"an enqueue into a locked database fails within {s_lockedCallBound.TotalSeconds} s (its busy budget), it does not wait for the release");
        lockedEnqueue.Error.Should().BeOfType<TimeoutException>("the store gives up after its busy budget")
            .Which.Message.Should().Contain(_database.FilePath, "the error names the database file that stayed locked");
    }

    [Fact]
    public async Task EnqueueAsync_ConcurrentCallersIntoLockedDatabase_EachFailsWithinTwoBudgetsAndWorksAfterRelease()
    {
        const int callers = 8;

        // A write gives up after one try of 1 s (about 1.2 s measured; SQLite's busy wait is coarser than a shorter
        // busy_timeout would suggest). Callers that arrive while one write is in flight share the next write, which
        // gives up within as long again: 2.5 s, and 5 s with room for a loaded machine. Shorter than the lock, so a
        // call that waits for the release fails the test.
        TimeSpan bound = TimeSpan.FromSeconds(5);
        TimeSpan locked = TimeSpan.FromSeconds(6);
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseSqlite(_database.FilePath, o =>
            {
                o.BusyTimeout = TimeSpan.FromSeconds(1);
                o.BusyRetryLimit = 0;
            }).AddJob<TimedGateJob>().Configure(o => o.RunWorker = false),
            s => s.AddSingleton(new RunTimeline()));
        await host.Client.EnqueueAsync(new TimedGateArgs(0));

        StalledCall[] calls;
        SqliteConnection? holder = null;
        await Lock(ref holder);
        try
        {
            // The lock's length, not a wait for work.
            Task held = Task.Delay(locked);
            calls = await StalledCall.RunManyAsync(callers, n => host.Client.EnqueueAsync(new TimedGateArgs(1 + n)).AsTask(), bound);
            await held;
        }
        finally
        {
            await Release(ref holder);
        }

        JobId after = await Deadline.Within(host.Client.EnqueueAsync(new TimedGateArgs(callers + 1)).AsTask(), "an enqueue after the release");

        output.WriteLine(string.Join('\n', calls.Select(call => call.ToString())));
        calls.Should().OnlyContain(call => !call.Hung,
            $"every call into the lock fails within {bound.TotalSeconds} s (two busy budgets), however many callers wait; none waits for the release");
        calls.Should().OnlyContain(call => call.Error is TimeoutException && call.Error.Message.Contains(_database.FilePath),
            "each caller learns which database stayed locked");
        (await host.Client.GetAsync(after)).Should().NotBeNull("the store works again once the lock is released");
    }

    [Fact]
    public async Task WorkerProcesses_OneKilledMidRun_NoJobLostOnlyInFlightRunTwice()
    {
        await using TestHost client = await TestHost.StartAsync(q => q
            .UseSqlite(_database.FilePath)
            .AddJob<CountedJob>()
            .Configure(o => o.RunWorker = false));

        KillOneWorkerScenario.Result result = await KillOneWorkerScenario.RunAsync(
            client.Client, client.Storage, "sqlite", _database.FilePath, jobCount: 1000, workerCount: 3);

        Action check = () => KillOneWorkerAssertions.NothingLostDuplicatesOnlyInFlight(result);
        check.Should().NotThrow();
        result.Jobs.Should().HaveCount(1000);
        output.WriteLine($"killed process {result.KilledProcessId}: {result.Rescued.Count} jobs rescued, {result.RunTwice.Count} ran twice; at the kill: {result.StateAtKill}");
    }

    /// <summary>Runs one fault, writes its timeline to the test output, and checks it.</summary>
    private async Task<FaultPhaseResult> RunAsync(FaultSuite suite, FaultPhase phase)
    {
        FaultPhaseResult result = await suite.RunAsync(phase);
        output.WriteLine(result.Describe() + "\n");
        Action check = () => FaultAssertions.RecoveredNothingLostOnlyInFlightRepeated(result);
        check.Should().NotThrow();
        return result;
    }

    /// <summary>Takes the database's write lock on a connection of the test's own, as another process would.</summary>
    private Task Lock(ref SqliteConnection? holder)
    {
        holder = _database.OpenConnection();
        using SqliteCommand begin = holder.CreateCommand();

        // EXCLUSIVE takes the write lock at once (waiting out a write of the host in progress); in WAL mode readers go on.
        begin.CommandText = "BEGIN EXCLUSIVE;";
        begin.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    /// <summary>Ends the lock: the transaction wrote nothing, so a rollback is all it needs.</summary>
    private static Task Release(ref SqliteConnection? holder)
    {
        if (holder is not null)
        {
            using SqliteCommand rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
            holder.Dispose();
            holder = null;
        }

        return Task.CompletedTask;
    }
}
