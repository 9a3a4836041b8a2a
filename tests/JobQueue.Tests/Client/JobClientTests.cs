using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.Testing;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Client;

public sealed class JobClientTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task Enqueue_NullArgs_ThrowsArgumentNull()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        Func<Task> act = async () => await host.Client.EnqueueAsync<RecordArgs>(null!);

        await act.Should().ThrowAsync<ArgumentNullException>();
    }

    [Theory]
    [InlineData("delay-and-runat")]
    [InlineData("zero-attempts")]
    [InlineData("negative-timeout")]
    [InlineData("empty-queue")]
    public async Task Enqueue_InvalidOptions_ThrowsNamingTheSetting(string problem)
    {
        await using TestHost host = await Hosts.StartAsync(_probe);
        EnqueueOptions options = problem switch
        {
            "delay-and-runat" => new EnqueueOptions { Delay = TimeSpan.FromSeconds(1), RunAt = DateTimeOffset.UtcNow },
            "zero-attempts" => new EnqueueOptions { MaxAttempts = 0 },
            "negative-timeout" => new EnqueueOptions { Timeout = TimeSpan.FromSeconds(-1) },
            _ => new EnqueueOptions { Queue = " " },
        };

        Func<Task> act = async () => await host.Client.EnqueueAsync(new RecordArgs("x"), options);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("EnqueueOptions.*");
    }

    [Fact]
    public async Task EnqueueMany_ReturnsIdsInOrderAndRunsEveryJob()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        IReadOnlyList<JobId> ids = await host.Client.EnqueueManyAsync(Enumerable.Range(0, 50).Select(i => new AddArgs(i, i)));

        ids.Should().HaveCount(50).And.OnlyHaveUniqueItems();
        for (int i = 0; i < ids.Count; i++)
        {
            (await host.WaitAsync(ids[i])).GetResult<Sum>()!.Value.Should().Be(2 * i);
        }
    }

    [Fact]
    public async Task Enqueue_LiveIdempotencyKey_ReturnsFirstJobIdAndWritesNothing()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, start: false);
        var options = new EnqueueOptions { IdempotencyKey = "order-42" };

        JobId first = await host.Client.EnqueueAsync(new RecordArgs("once"), options);
        JobId second = await host.Client.EnqueueAsync(new RecordArgs("twice"), options);
        var stats = await host.Storage.GetQueueStatisticsAsync(default);

        second.Should().Be(first);
        stats.Single().Enqueued.Should().Be(1);
    }

    [Fact]
    public async Task Cancel_QueuedJob_NeverStarts()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, start: false);
        JobId id = await host.Client.EnqueueAsync(new RecordArgs("never"));

        bool cancelled = await host.Client.CancelAsync(id);
        await host.StartAsync();
        JobId marker = await host.Client.EnqueueAsync(new RecordArgs("marker"));
        await host.WaitAsync(marker);
        JobInfo info = await host.WaitAsync(id);

        cancelled.Should().BeTrue();
        info.State.Should().Be(JobState.Cancelled);
        _probe.Count("never").Should().Be(0);
    }

    [Fact]
    public async Task Cancel_RunningJob_FiresItsTokenAndEndsCancelled()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);
        JobId id = await host.Client.EnqueueAsync(new GateArgs("victim"));
        await _probe.WaitAsync("victim:started");

        bool cancelled = await host.Client.CancelAsync(id);
        await _probe.WaitAsync("victim:cancelled");
        JobInfo info = await host.WaitAsync(id);

        cancelled.Should().BeTrue();
        info.State.Should().Be(JobState.Cancelled);
        _probe.Count("victim:done").Should().Be(0);
    }

    [Fact]
    public async Task Cancel_FinishedOrUnknownJob_ReturnsFalse()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);
        JobId id = await host.Client.EnqueueAsync(new AddArgs(1, 1));
        await host.WaitAsync(id);

        (await host.Client.CancelAsync(id)).Should().BeFalse();
        (await host.Client.CancelAsync(JobId.New())).Should().BeFalse();
    }

    [Fact]
    public async Task ReportProgress_RunningJob_ProgressIsReadable()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);
        JobId id = await host.Client.EnqueueAsync(new ProgressArgs("p"));
        await _probe.WaitAsync("p:reported");

        JobInfo? running = await host.Client.GetAsync(id);
        _probe.Open("p");
        await host.WaitAsync(id);

        running!.State.Should().Be(JobState.Running);
        running.Progress.Should().Be(new JobProgress(40, "4 of 10"));
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        (await host.Client.GetAsync(JobId.New())).Should().BeNull();
        (await host.Client.GetBatchAsync(new BatchId(Guid.NewGuid()))).Should().BeNull();
    }

    /// <summary>The in-memory store read as a durable store reads a damaged record of every job: described, with defaults.</summary>
    private sealed class DamagedReadStorage(IJobStorage inner) : DelegatingStorage(inner)
    {
        public override async ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
        {
            IReadOnlyList<StoredJob?> jobs = await base.GetJobsAsync(ids, cancellationToken);
            return [.. jobs.Select(job => job is null ? null : job with
            {
                State = JobState.Failed,
                Arguments = "{\"name\":"u8.ToArray(),
                Result = [0xFF],
                Unreadable = "state: 9 is not a job state",
            })];
        }
    }

    [Fact]
    public async Task GetAsync_StoredJobDoesNotFullyRead_ReturnsItFinishedWithAnErrorSayingWhat()
    {
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseStorage("Damaged", _ => new DamagedReadStorage(new InMemoryJobStorage(new InMemoryStorageOptions()))).AddTestJobs(),
            s => s.AddSingleton(_probe),
            start: false);
        JobId id = await host.Client.EnqueueAsync(new RecordArgs("damaged"));

        JobInfo? info = await host.Client.GetAsync(id);
        JobInfo waited = await host.WaitAsync(id);

        info!.State.Should().Be(JobState.Failed);
        info.Error!.Type.Should().Be(typeof(UnreadableJobException).FullName);
        info.Error.Message.Should().Contain("state: 9 is not a job state");
        info.Errors.Should().BeEmpty("no attempt failed; the error says why the job cannot run");
        info.Arguments.ValueKind.Should().Be(JsonValueKind.Undefined, "bytes that are not JSON are shown as none, not thrown over");
        info.Result.Should().BeNull();
        waited.IsFinished.Should().BeTrue("waiting for a job nothing will move does not hang");
    }

    [Fact]
    public async Task WaitForCompletion_UnknownId_ThrowsClearError()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        Func<Task> act = async () => await host.Client.WaitForCompletionAsync(JobId.New());

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("No job * exists*");
    }

    [Fact]
    public async Task Enqueue_WithDelay_StaysScheduledUntilTimeAdvances()
    {
        await using JobQueueTestHarness harness = JobQueueTestHarness.Create(q => q.AddTestJobs(), s => s.AddSingleton(_probe));
        DateTimeOffset start = harness.Clock.GetUtcNow();

        JobId id = await harness.Jobs.EnqueueAsync(new RecordArgs("later"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });
        JobInfo? before = await harness.Jobs.GetAsync(id);
        JobRunReport early = await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(59));
        JobRunReport due = await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(1));

        before!.State.Should().Be(JobState.Scheduled);
        before.RunAt.Should().Be(start + TimeSpan.FromHours(1));
        early.Attempts.Should().BeEmpty();
        due.Attempts.Should().ContainSingle().Which.StartedAt.Should().Be(start + TimeSpan.FromHours(1));
        (await harness.Jobs.GetAsync(id))!.State.Should().Be(JobState.Succeeded);
        _probe.Count("later").Should().Be(1);
    }

    [Fact]
    public async Task Enqueue_WithRunAt_RunsAtThatTime()
    {
        await using JobQueueTestHarness harness = JobQueueTestHarness.Create(q => q.AddTestJobs(), s => s.AddSingleton(_probe));
        DateTimeOffset runAt = harness.Clock.GetUtcNow().AddDays(1);

        JobId id = await harness.Jobs.EnqueueAsync(new RecordArgs("tomorrow"), new EnqueueOptions { RunAt = runAt });
        await harness.AdvanceTimeAsync(TimeSpan.FromDays(2));
        JobInfo info = (await harness.Jobs.GetAsync(id))!;

        info.State.Should().Be(JobState.Succeeded);
        info.RunAt.Should().Be(runAt);
        info.StartedAt.Should().Be(runAt);
    }

    [Fact]
    public async Task EnqueueMany_MoreJobsThanOneStoreCallTakes_WritesInChunksWithIdsInOrder()
    {
        var storage = new RecordingStorage(new InMemoryJobStorage(new InMemoryStorageOptions()));
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseStorage("Recording", _ => storage).AddTestJobs().Configure(o => o.RunWorker = false));
        RecordArgs[] args = [.. Enumerable.Range(0, 2500).Select(i => new RecordArgs(i.ToString(CultureInfo.InvariantCulture)))];

        IReadOnlyList<JobId> ids = await host.Client.EnqueueManyAsync(args);

        storage.EnqueueSizes.Should().Equal(1000, 1000, 500);
        ids.Should().HaveCount(2500).And.OnlyHaveUniqueItems();
        ids.Should().Equal(storage.EnqueuedIds, "ids come back in the order of the arguments, across chunks");
        IReadOnlyList<JobInfo?> infos = await Task.WhenAll(new[] { 0, 999, 1000, 2499 }.Select(i => host.Client.GetAsync(ids[i]).AsTask()));
        infos.Select(i => i!.Id).Should().Equal(ids[0], ids[999], ids[1000], ids[2499]);
    }

    [Fact]
    public async Task EnqueueMany_ExactlyOneChunk_IsOneStoreCall()
    {
        var storage = new RecordingStorage(new InMemoryJobStorage(new InMemoryStorageOptions()));
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseStorage("Recording", _ => storage).AddTestJobs().Configure(o => o.RunWorker = false));

        await host.Client.EnqueueManyAsync(Enumerable.Range(0, 1000).Select(i => new RecordArgs("x")));

        storage.EnqueueSizes.Should().Equal(1000);
    }

    [Fact]
    public async Task StartBatch_MoreChildrenThanOneChunk_StaysOneAtomicStoreCall()
    {
        var storage = new RecordingStorage(new InMemoryJobStorage(new InMemoryStorageOptions()));
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseStorage("Recording", _ => storage).AddTestJobs().Configure(o => o.RunWorker = false));

        await host.Client.StartBatchAsync(b =>
        {
            for (int i = 0; i < 2500; i++)
            {
                b.Enqueue(new ChildArgs("c"));
            }
        });

        storage.EnqueueSizes.Should().Equal(2500);
    }

    [Fact]
    public async Task WaitForCompletion_PollIntervalAtTheTimerLimit_DoesNotOverflowTheRecheckTimer()
    {
        // The store has a finish signal, so the client rechecks at five poll intervals: past a timer's limit unless capped.
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.Configure(o => o.PollInterval = TimerLimit.Max));

        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new AddArgs(1, 2)));

        info.State.Should().Be(JobState.Succeeded);
    }

    private sealed class RecordingStorage(IJobStorage inner) : DelegatingStorage(inner)
    {
        private readonly ConcurrentQueue<int> _sizes = new();
        private readonly ConcurrentQueue<JobId> _ids = new();

        public IReadOnlyList<int> EnqueueSizes => [.. _sizes];

        public IReadOnlyList<JobId> EnqueuedIds => [.. _ids];

        public override ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken)
        {
            _sizes.Enqueue(request.Jobs.Count);
            foreach (NewJob job in request.Jobs)
            {
                _ids.Enqueue(job.Id);
            }

            return base.EnqueueAsync(request, cancellationToken);
        }
    }
}
