using JobQueue.Hosting;
using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Tests.Hosting;

/// <summary>Pausing a queue through real worker hosts sharing one store, and each host's view of the pauses.</summary>
public sealed class QueuePauseTests : IAsyncDisposable
{
    private readonly Probe _probe = new();
    private readonly InMemoryJobStorage _store = new(new InMemoryStorageOptions());
    private readonly List<TestHost> _hosts = [];

    public async ValueTask DisposeAsync()
    {
        foreach (TestHost host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task PauseQueueAsync_TwoHosts_BothSeeItTheRunningJobFinishesAndNewJobsWaitForTheResume()
    {
        var beats = new HeartbeatSignals(_store);
        TestHost first = await StartHostAsync(beats);
        TestHost second = await StartHostAsync(beats);
        IJobAdmin admin = first.Services.GetRequiredService<IJobAdmin>();
        JobId running = await first.Client.EnqueueAsync(new GateArgs("long"), new EnqueueOptions { Queue = "tickets" });
        await _probe.WaitAsync("long:started");

        await admin.PauseQueueAsync("tickets");
        await first.Logs.WaitForAsync(e => e.EventId.Id == 1201, "the first host to see the pause (1201)");
        await second.Logs.WaitForAsync(e => e.EventId.Id == 1201, "the second host to see the pause (1201)");
        await Deadline.Within(beats.BothReportPausedAsync("tickets"), "both hosts' heartbeats to report the pause at once");
        JobId held = await first.Client.EnqueueAsync(new RecordArgs("held"), new EnqueueOptions { Queue = "tickets" });
        _probe.Open("long");
        JobInfo finished = await first.WaitAsync(running);
        // Jobs of another queue run on both hosts meanwhile: the hosts work, and leave the paused queue alone.
        await first.WaitAsync(await first.Client.EnqueueAsync(new RecordArgs("other-1")));
        await second.WaitAsync(await second.Client.EnqueueAsync(new RecordArgs("other-2")));
        JobInfo? whilePaused = await first.Client.GetAsync(held);
        QueueInfo tickets = (await admin.GetQueuesAsync()).Single(q => q.Name == "tickets");

        _probe.Record("resuming");
        await admin.ResumeQueueAsync("tickets");
        JobInfo afterResume = await second.WaitAsync(held);
        await first.Logs.WaitForAsync(e => e.EventId.Id == 1202, "the first host to see the resume (1202)");
        await second.Logs.WaitForAsync(e => e.EventId.Id == 1202, "the second host to see the resume (1202)");

        finished.State.Should().Be(JobState.Succeeded, "a job that had started runs to its end");
        whilePaused!.State.Should().Be(JobState.Enqueued, "the job was accepted, and kept");
        tickets.Paused.Should().BeTrue();
        tickets.Enqueued.Should().Be(1);
        tickets.Hosts.Should().Be(2);
        tickets.Concurrency.Should().Be(4);
        afterResume.State.Should().Be(JobState.Succeeded);
        _probe.Events.Should().ContainInOrder("resuming", "held");
        first.Logs.Entries.Count(e => e.EventId.Id == 1201).Should().Be(1, "each change is logged once");
    }

    [Fact]
    public async Task PauseQueueAsync_BlankName_ThrowsNamingTheProblem()
    {
        TestHost host = await StartHostAsync(new HeartbeatSignals(_store));
        IJobAdmin admin = host.Services.GetRequiredService<IJobAdmin>();

        Func<Task> pauseEmpty = async () => await admin.PauseQueueAsync(" ");
        Func<Task> resumeNull = async () => await admin.ResumeQueueAsync(null!);

        (await pauseEmpty.Should().ThrowAsync<ArgumentException>()).WithParameterName("queue").WithMessage("A queue name cannot be empty*");
        (await resumeNull.Should().ThrowAsync<ArgumentException>()).WithParameterName("queue").WithMessage("A queue name cannot be null*");
    }

    [Fact]
    public async Task RefreshAsync_PauseAndResumeOfServedAndOtherQueues_ChangesTheViewAndSignalsOnlyForServedOnes()
    {
        var logs = new CapturingLoggerProvider();
        var watcher = new PauseWatcher(_store, ["tickets", "mail"], new JobQueueOptions(), TimeProvider.System, logs.CreateLogger("test"), diagnostics: null);
        DateTimeOffset now = DateTimeOffset.UtcNow;

        Task initial = watcher.WhenChanged;
        await _store.PauseQueueAsync(new PauseQueueRequest { Queue = "reports", Now = now }, default);
        await watcher.RefreshAsync(default);
        bool signalledForOtherQueue = initial.IsCompleted;
        await _store.PauseQueueAsync(new PauseQueueRequest { Queue = "tickets", Now = now }, default);
        await watcher.RefreshAsync(default);
        bool pausedSeen = watcher.IsPaused("tickets");
        Task afterPause = watcher.WhenChanged;
        await watcher.RefreshAsync(default);
        bool signalledWithoutChange = afterPause.IsCompleted;
        await _store.ResumeQueueAsync(new ResumeQueueRequest { Queue = "tickets" }, default);
        await watcher.RefreshAsync(default);

        signalledForOtherQueue.Should().BeFalse("another host's queue is none of this host's business");
        watcher.IsPaused("reports").Should().BeFalse();
        pausedSeen.Should().BeTrue();
        initial.IsCompleted.Should().BeTrue();
        signalledWithoutChange.Should().BeFalse();
        afterPause.IsCompleted.Should().BeTrue("the resume changed the view");
        watcher.IsPaused("tickets").Should().BeFalse();
        logs.Entries.Select(e => e.EventId.Id).Should().Equal(1201, 1202);
    }

    [Fact]
    public async Task RunAsync_DefaultPollInterval_SeesAPauseOneSecondAfterItsLastReadAndNotBefore()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new JobQueueOptions();
        var watcher = new PauseWatcher(_store, ["tickets"], options, time, NullLogger.Instance, diagnostics: null);
        using var stop = new CancellationTokenSource();

        // The in-memory store answers at once, so when RunAsync returns the loop has read once and set its timer.
        Task loop = watcher.RunAsync(stop.Token);
        Task changed = watcher.WhenChanged;
        await _store.PauseQueueAsync(new PauseQueueRequest { Queue = "tickets", Now = time.GetUtcNow() }, default);
        time.Advance(options.PollInterval - TimeSpan.FromMilliseconds(1));
        bool seenEarly = changed.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Deadline.Within(changed, "the watcher's read one poll interval after its last");
        await stop.CancelAsync();
        await Deadline.Within(loop, "the watcher to stop");

        options.PollInterval.Should().Be(TimeSpan.FromSeconds(1));
        seenEarly.Should().BeFalse("nothing reads the store between two polls");
        watcher.IsPaused("tickets").Should().BeTrue();
    }

    [Fact]
    public async Task RefreshAsync_StoreFails_KeepsTheLastViewAndLogsOncePerOutage()
    {
        var store = new FailingPauseReads(_store);
        var logs = new CapturingLoggerProvider();
        var watcher = new PauseWatcher(store, ["tickets"], new JobQueueOptions(), TimeProvider.System, logs.CreateLogger("test"), diagnostics: null);
        await _store.PauseQueueAsync(new PauseQueueRequest { Queue = "tickets", Now = DateTimeOffset.UtcNow }, default);
        await watcher.RefreshAsync(default);

        store.Failing = true;
        await watcher.RefreshAsync(default);
        await watcher.RefreshAsync(default);
        bool pausedDuringOutage = watcher.IsPaused("tickets");
        store.Failing = false;
        await _store.ResumeQueueAsync(new ResumeQueueRequest { Queue = "tickets" }, default);
        await watcher.RefreshAsync(default);

        pausedDuringOutage.Should().BeTrue("an unreadable store does not resume a queue");
        watcher.IsPaused("tickets").Should().BeFalse();
        logs.Entries.Select(e => e.EventId.Id).Should().Equal(1201, 1203, 1202);
    }

    private async Task<TestHost> StartHostAsync(IJobStorage storage)
    {
        TestHost host = await TestHost.StartAsync(
            q =>
            {
                q.UseStorage("Shared", _ => storage);
                q.Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
                q.AddQueue("tickets", concurrency: 2);
                q.AddTestJobs();
            },
            s => s.AddSingleton(_probe));
        _hosts.Add(host);
        return host;
    }

    /// <summary>Completes when two different hosts wrote a heartbeat reporting a queue paused.</summary>
    private sealed class HeartbeatSignals(IJobStorage inner) : DelegatingStorage(inner)
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, HashSet<string>> _pausedBy = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TaskCompletionSource> _both = new(StringComparer.Ordinal);

        public Task BothReportPausedAsync(string queue)
        {
            lock (_lock)
            {
                return Both(queue).Task;
            }
        }

        public override ValueTask RecordHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                foreach (HostQueue queue in heartbeat.Queues.Where(static q => q.Paused))
                {
                    if (!_pausedBy.TryGetValue(queue.Queue, out HashSet<string>? hosts))
                    {
                        _pausedBy[queue.Queue] = hosts = new HashSet<string>(StringComparer.Ordinal);
                    }

                    if (hosts.Add(heartbeat.HostId) && hosts.Count == 2)
                    {
                        Both(queue.Queue).TrySetResult();
                    }
                }
            }

            return base.RecordHeartbeatAsync(heartbeat, cancellationToken);
        }

        private TaskCompletionSource Both(string queue)
        {
            if (!_both.TryGetValue(queue, out TaskCompletionSource? both))
            {
                _both[queue] = both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return both;
        }
    }

    private sealed class FailingPauseReads(IJobStorage inner) : DelegatingStorage(inner)
    {
        public volatile bool Failing;

        public override ValueTask<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(CancellationToken cancellationToken)
            => Failing ? ValueTask.FromException<IReadOnlyList<PausedQueue>>(new IOException("connection refused (test)")) : base.GetPausedQueuesAsync(cancellationToken);
    }
}
