using System.Collections.Concurrent;
using JobQueue.Admin;
using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task PauseQueueAsync_ReadyJobs_FetchLeasesNothingUntilResumed()
    {
        NewJob first = await EnqueueOneAsync(Job());
        NewJob second = await EnqueueOneAsync(Job());

        bool paused = await PauseAsync(DefaultQueue, At(100));
        IReadOnlyList<StoredJob> whilePaused = await FetchAsync(limit: 10);
        bool resumed = await ResumeAsync(DefaultQueue);
        IReadOnlyList<StoredJob> afterResume = await FetchAsync(limit: 10);

        paused.Should().BeTrue();
        whilePaused.Should().BeEmpty("a paused queue leases nothing");
        resumed.Should().BeTrue();
        afterResume.Select(j => j.Id).Should().Equal(first.Id, second.Id);
    }

    [Fact]
    public async Task PauseQueueAsync_PausedAlready_KeepsTheFirstPauseTimeAndSaysSo()
    {
        bool first = await PauseAsync("mail", At(100));
        bool again = await PauseAsync("mail", At(200));

        IReadOnlyList<PausedQueue> paused = await Storage.GetPausedQueuesAsync(Ct);

        first.Should().BeTrue();
        again.Should().BeFalse("the queue was paused already");
        paused.Should().BeEquivalentTo([new PausedQueue { Queue = "mail", PausedAt = At(100) }]);
    }

    [Fact]
    public async Task GetPausedQueuesAsync_QueuesWithoutJobs_ListedByOrdinalName()
    {
        // No job and no host names these queues: pausing them ahead of a deployment is allowed, and kept.
        await PauseAsync("reports", At(300));
        await PauseAsync("Mail \"urgent\" ü", At(100));
        await PauseAsync("mail", At(200));

        IReadOnlyList<PausedQueue> paused = await Storage.GetPausedQueuesAsync(Ct);

        paused.Select(p => p.Queue).Should().Equal("Mail \"urgent\" ü", "mail", "reports");
        paused.Select(p => p.PausedAt).Should().Equal(At(100), At(200), At(300));
    }

    [Fact]
    public async Task ResumeQueueAsync_QueueNotPaused_ReturnsFalseAndChangesNothing()
    {
        await PauseAsync("other", At(100));

        bool resumed = await ResumeAsync(DefaultQueue);

        resumed.Should().BeFalse();
        (await Storage.GetPausedQueuesAsync(Ct)).Select(p => p.Queue).Should().Equal("other");
    }

    [Fact]
    public async Task PauseQueueAsync_OneQueue_OtherQueuesStillLeased()
    {
        NewJob mail = await EnqueueOneAsync(Job(queue: "mail"));
        NewJob other = await EnqueueOneAsync(Job());

        await PauseAsync("mail", At(100));

        (await FetchAsync(limit: 10)).Select(j => j.Id).Should().Equal(other.Id);
        (await FetchAsync("mail", limit: 10)).Should().BeEmpty();
        await ResumeAsync("mail");
        (await FetchAsync("mail", limit: 10)).Select(j => j.Id).Should().Equal(mail.Id);
    }

    [Fact]
    public async Task PauseQueueAsync_WhilePaused_EnqueuePromoteCompleteAndRescueGoOn()
    {
        NewJob running = await EnqueueOneAsync(Job());
        NewJob lost = await EnqueueOneAsync(Job());
        StoredJob leased = (await FetchAsync(limit: 1, now: At(100), leaseExpiresAt: At(60_000)))[0];
        StoredJob expiring = (await FetchAsync(limit: 1, now: At(100), leaseExpiresAt: At(500)))[0];
        await PauseAsync(DefaultQueue, At(200));

        EnqueueResult enqueued = (await EnqueueAsync(At(300), Job()))[0];
        await EnqueueOneAsync(Job(runAt: At(1_000)), At(300));
        int promoted = await PromoteAsync(At(1_000));
        bool completed = await CompleteAsync(leased, At(1_100));
        IReadOnlyList<JobId> rescued = await RescueAsync(At(1_200));
        IReadOnlyList<StoredJob> fetched = await FetchAsync(limit: 10, now: At(2_000));

        leased.Id.Should().Be(running.Id);
        expiring.Id.Should().Be(lost.Id);
        enqueued.Created.Should().BeTrue("a paused queue still takes jobs");
        promoted.Should().Be(1);
        completed.Should().BeTrue("a job leased before the pause runs to its end");
        rescued.Should().Equal(lost.Id);
        fetched.Should().BeEmpty("the queue is still paused");
        (await StatisticsAsync())!.Enqueued.Should().Be(3, "the new job, the promoted one and the rescued one wait for the resume");
    }

    [Fact]
    public async Task ResumeQueueAsync_IdleWaiterOnTheQueue_IsWoken()
    {
        await AssertWakesAsync(
            "paused",
            prepare: async () =>
            {
                await PauseAsync("paused", At(100));
                await EnqueueOneAsync(Job(queue: "paused"));
            },
            trigger: async () => (await ResumeAsync("paused")).Should().BeTrue());
    }

    [Fact]
    public async Task PauseQueueAsync_FetchesRacingThePause_NoFetchLeasesAfterThePauseReturned()
    {
        // Eight fetchers lease one job at a time while the queue is paused under them. Every fetch is ordered wholly
        // before the pause or wholly after it, so the jobs running when the pause returns are all that ever run: a
        // fetch still under way when it returned (one whose check came before the pause) must lease nothing.
        // Each fetcher stops after 100 fetches at most, so jobs are still ready whichever comes first.
        await EnqueueAsync(Enumerable.Range(0, 1_000).Select(_ => Job()).ToArray());
        var leasedAfterPause = new ConcurrentBag<JobId>();
        var firstLeases = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pauseReturned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int leasedCount = 0;
        Task[] fetchers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (int fetches = 0; fetches < 100 && !pauseReturned.Task.IsCompleted; fetches++)
            {
                IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 1);
                if (Interlocked.Add(ref leasedCount, leased.Count) >= 50)
                {
                    firstLeases.TrySetResult();
                }

                // A store that answers synchronously (in memory) would otherwise keep this thread to itself.
                await Task.Yield();
            }

            // One more fetch once the pause has returned: it must lease nothing.
            await pauseReturned.Task;
            foreach (StoredJob job in await FetchAsync(limit: 1))
            {
                leasedAfterPause.Add(job.Id);
            }
        })).ToArray();
        await Deadline.Within(firstLeases.Task, "the fetchers to lease their first 50 jobs");

        await PauseAsync(DefaultQueue, At(500));
        long runningWhenPauseReturned = (await StatisticsAsync())!.Running;
        pauseReturned.SetResult();
        await Deadline.Within(Task.WhenAll(fetchers), "the fetchers to stop");
        long runningAfterwards = (await StatisticsAsync())!.Running;

        leasedAfterPause.Should().BeEmpty();
        runningAfterwards.Should().Be(runningWhenPauseReturned, "a fetch under way when the pause returned leased nothing");
        runningWhenPauseReturned.Should().BeLessThan(1_000, "the pause came while jobs were still ready");
    }

    [Fact]
    public async Task GetQueuesAsync_JobsInEveryStatePausedAndServedQueues_CountsPausedAndLatencyPerQueue()
    {
        // default: one job in each state but Awaiting, its oldest ready job due at T0.
        NewJob[] due = [Job(), Job(), Job(), Job()];
        await EnqueueAsync(due);
        await EnqueueOneAsync(Job(runAt: At(60_000)));
        NewJob cancelled = await EnqueueOneAsync(Job(runAt: At(70_000)));
        await CancelAsync(cancelled.Id, At(2_000));
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 3, now: At(1_000));
        (await CompleteAsync(leased[0], At(1_500))).Should().BeTrue();
        (await FailAsync(leased[1], At(1_500))).Should().BeTrue();
        // mail: paused, its ready job due at 4 s still counts its wait; reports: paused with no job at all.
        await EnqueueOneAsync(Job(queue: "mail", runAt: At(4_000)), At(4_000));
        await PauseAsync("mail", At(5_000));
        await PauseAsync("reports", At(6_000));
        // A live host serves default and idle; a host silent for more than three intervals serves default and ghost.
        await Storage.RecordHeartbeatAsync(HostServing("alive", At(9_000), ("default", 4), ("idle", 2)), Ct);
        await Storage.RecordHeartbeatAsync(HostServing("gone", At(-40_000), ("default", 100), ("ghost", 1)), Ct);

        IReadOnlyList<QueueInfo> queues = await AdminAt(At(10_000)).GetQueuesAsync(Ct);

        queues.Should().BeEquivalentTo(
            [
                new QueueInfo
                {
                    Name = "default", Scheduled = 1, Enqueued = 1, Running = 1, Succeeded = 1, Failed = 1, Cancelled = 1,
                    Latency = TimeSpan.FromSeconds(10), Hosts = 1, Concurrency = 4,
                },
                new QueueInfo { Name = "idle", Hosts = 1, Concurrency = 2 },
                new QueueInfo { Name = "mail", Paused = true, PausedAt = At(5_000), Enqueued = 1, Latency = TimeSpan.FromSeconds(6) },
                new QueueInfo { Name = "reports", Paused = true, PausedAt = At(6_000) },
            ],
            o => o.WithStrictOrdering(),
            "queues by ordinal name; a gone host's queues and concurrency count for nothing");
    }

    [Fact]
    public async Task GetQueuesAsync_ReadyJobDueLaterThanNow_LatencyIsZero()
    {
        // A job promoted early (or a clock behind the enqueuer's) must not show a negative wait.
        await EnqueueOneAsync(Job(runAt: At(5_000)), At(5_000));

        IReadOnlyList<QueueInfo> queues = await AdminAt(At(4_000)).GetQueuesAsync(Ct);

        queues.Should().ContainSingle().Which.Latency.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task PauseQueueAsync_ThroughTheAdmin_PausedAtTheClocksNowUntilResumed()
    {
        IJobAdmin admin = AdminAt(At(7_000));
        NewJob job = await EnqueueOneAsync(Job());

        await admin.PauseQueueAsync(DefaultQueue, Ct);
        await admin.PauseQueueAsync(DefaultQueue, Ct);
        QueueInfo whilePaused = (await admin.GetQueuesAsync(Ct)).Single();
        IReadOnlyList<StoredJob> fetchedWhilePaused = await FetchAsync(limit: 10);
        await admin.ResumeQueueAsync(DefaultQueue, Ct);
        await admin.ResumeQueueAsync(DefaultQueue, Ct);
        QueueInfo afterResume = (await admin.GetQueuesAsync(Ct)).Single();

        whilePaused.Paused.Should().BeTrue();
        whilePaused.PausedAt.Should().Be(At(7_000));
        fetchedWhilePaused.Should().BeEmpty();
        afterResume.Paused.Should().BeFalse();
        afterResume.PausedAt.Should().BeNull();
        (await FetchAsync(limit: 10)).Select(j => j.Id).Should().Equal(job.Id);
    }

    /// <summary>The admin AddJobQueue registers, over this store, with its clock stopped at <paramref name="now"/>.</summary>
    protected IJobAdmin AdminAt(DateTimeOffset now) => new JobAdmin(Storage, new FakeTimeProvider(now));

    /// <summary>A heartbeat of a host with a 10-second interval serving <paramref name="queues"/>.</summary>
    protected static HostHeartbeat HostServing(string hostId, DateTimeOffset seenAt, params (string Queue, int Concurrency)[] queues)
        => Heartbeat(hostId, seenAt) with
        {
            Queues = [.. queues.Select(q => new HostQueue { Queue = q.Queue, Concurrency = q.Concurrency, Running = 0, Paused = false })],
            Running = 0,
        };

    protected async Task<bool> PauseAsync(string queue, DateTimeOffset now)
        => await Storage.PauseQueueAsync(new PauseQueueRequest { Queue = queue, Now = now }, Ct);

    protected async Task<bool> ResumeAsync(string queue)
        => await Storage.ResumeQueueAsync(new ResumeQueueRequest { Queue = queue }, Ct);
}
