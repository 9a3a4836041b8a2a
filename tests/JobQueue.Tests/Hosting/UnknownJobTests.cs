using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Tests.Hosting;

/// <summary>
/// Jobs whose name a host has no handler for, as old hosts of a rolling deployment meet new job types: handed back
/// without spending an attempt, logged once per name, run by a host that has the handler, and failed for good, naming
/// the missing handler, when no host ran them in time.
/// </summary>
public sealed class UnknownJobTests
{
    private static readonly DateTimeOffset s_t0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Probe _probe = new();
    private readonly FakeTimeProvider _time = new(s_t0);

    /// <summary>The shared store, seen through a wrapper that signals every job handed back.</summary>
    private sealed class HandBackSignals(IJobStorage inner) : DelegatingStorage(inner)
    {
        private readonly SemaphoreSlim _handedBack = new(0);

        public int HandedBack;

        public override async ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken)
        {
            IReadOnlyList<bool> applied = await base.RescheduleAsync(reschedules, cancellationToken);
            Interlocked.Add(ref HandedBack, reschedules.Count);
            _handedBack.Release(reschedules.Count);
            return applied;
        }

        public Task NextHandBackAsync() => Deadline.Within(_handedBack.WaitAsync(), "a job handed back by a host without its handler");
    }

    [Fact]
    public async Task Execute_NoHandlerInThisHost_HandsJobBackWithoutSpendingAttemptsAndLogsOncePerName()
    {
        var storage = new HandBackSignals(new InMemoryJobStorage(new InMemoryStorageOptions()));
        await using TestHost host = await StartHostAsync(storage, withHandler: false);
        JobId[] ids = [await EnqueueUnknownAsync(storage), await EnqueueUnknownAsync(storage)];

        // Each round: both jobs are handed back, then become due again. After the last hand-backs the clock stays, so
        // the jobs are read while they wait, not while the worker has leased them again.
        for (int round = 0; round < 3; round++)
        {
            if (round > 0)
            {
                _time.Advance(TimeSpan.FromSeconds(6));
                await Hosts.PromoteDueJobsAsync(host, _time);
            }

            await storage.NextHandBackAsync();
            await storage.NextHandBackAsync();
        }

        IReadOnlyList<StoredJob?> stored = await storage.GetJobsAsync(ids, CancellationToken.None);

        storage.HandedBack.Should().BeGreaterThanOrEqualTo(6);
        stored.Should().OnlyContain(j => j!.Attempt == 0 && j.Errors.Count == 0 && j.State != JobState.Failed,
            "a host without the handler gives the job back untouched: no attempt spent, no error recorded");
        host.Logs.Entries.Count(e => e.EventId.Id == 2111).Should().Be(1, "the missing handler is logged once per name, not once per fetch");
        host.Logs.Entries.Should().ContainSingle(e => e.EventId.Id == 2111).Which.Message.Should().Contain("no-such-job");
    }

    [Fact]
    public async Task Execute_NoHostRanJobWithinUnknownJobTimeout_FailsForGoodNamingTheMissingHandler()
    {
        var storage = new HandBackSignals(new InMemoryJobStorage(new InMemoryStorageOptions()));
        await using TestHost host = await StartHostAsync(storage, withHandler: false, unknownJobTimeout: TimeSpan.FromSeconds(15));
        JobId id = await EnqueueUnknownAsync(storage);
        Task<JobInfo> finished = host.WaitAsync(id);

        // Handed back at 0, 6 and 12 s; at 18 s it has waited longer than the 15 s allowed.
        for (int round = 0; round < 3; round++)
        {
            await storage.NextHandBackAsync();
            _time.Advance(TimeSpan.FromSeconds(6));
            await Hosts.PromoteDueJobsAsync(host, _time);
        }

        JobInfo job = await finished;
        JobInfo after = await host.WaitAsync(await host.Client.EnqueueAsync(new AddArgs(1, 2)));

        job.State.Should().Be(JobState.Failed);
        job.Attempt.Should().Be(1, "only the final, failing fetch counts as an attempt");
        job.Error!.Type.Should().Be("JobQueue.NoHandlerException");
        job.Error.Message.Should().Contain("'no-such-job'").And.Contain("UnknownJobTimeout").And.Contain("AddJob<T>()");
        after.State.Should().Be(JobState.Succeeded, "the host keeps running the jobs it has handlers for");
    }

    [Fact]
    public async Task Execute_OldHostAndNewHostShareTheStore_NewHostRunsTheJobOldHostHandedBack()
    {
        var storage = new HandBackSignals(new InMemoryJobStorage(new InMemoryStorageOptions()));
        await using TestHost oldHost = await StartHostAsync(storage, withHandler: false);
        JobId id = await EnqueueUnknownAsync(storage);
        await storage.NextHandBackAsync();

        // The new version starts while the job waits for a host that knows it.
        await using TestHost newHost = await StartHostAsync(storage, withHandler: true);
        Task<JobInfo> finished = newHost.WaitAsync(id);
        while (!finished.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(6));
            await Hosts.PromoteDueJobsAsync(newHost, _time);
            await Task.WhenAny(finished, storage.NextHandBackAsync());
        }

        JobInfo job = await finished;

        job.State.Should().Be(JobState.Succeeded);
        job.Attempt.Should().Be(1, "the old host's hand-backs spent no attempt");
        _probe.Count("no-such-job ran").Should().Be(1);
    }

    private Task<TestHost> StartHostAsync(IJobStorage storage, bool withHandler, TimeSpan? unknownJobTimeout = null)
        => TestHost.StartAsync(
            q =>
            {
                q.UseStorage("Shared", _ => storage)
                    .AddJob<AddJob>()
                    .Configure(o =>
                    {
                        o.UnknownJobTimeout = unknownJobTimeout ?? TimeSpan.FromHours(1);
                        o.PollInterval = TimeSpan.FromMilliseconds(50);
                    });
                if (withHandler)
                {
                    q.AddJob<NewVersionJob>();
                }
            },
            s => s.AddSingleton<TimeProvider>(_time).AddSingleton(_probe));

    /// <summary>Enqueues straight into the store, as a host of a newer version would.</summary>
    private async Task<JobId> EnqueueUnknownAsync(IJobStorage storage)
    {
        var job = new NewJob
        {
            Id = JobId.New(), Name = "no-such-job", Queue = "default", Arguments = "{}"u8.ToArray(),
            MaxAttempts = 1, Timeout = TimeSpan.FromMinutes(1), RetryDelay = TimeSpan.Zero, RunAt = _time.GetUtcNow(),
        };
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = [job], Now = _time.GetUtcNow() }, CancellationToken.None);
        return job.Id;
    }

    [JobName("no-such-job")]
    private sealed record NewVersionArgs;

    /// <summary>The handler only the new version's host has.</summary>
    private sealed class NewVersionJob(Probe probe) : IJob<NewVersionArgs>
    {
        public Task ExecuteAsync(NewVersionArgs args, JobContext context, CancellationToken cancellationToken)
        {
            probe.Record("no-such-job ran");
            return Task.CompletedTask;
        }
    }
}
