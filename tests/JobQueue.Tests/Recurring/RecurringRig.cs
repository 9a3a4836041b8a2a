using JobQueue.InMemory;
using JobQueue.Recurring;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Tests.Recurring;

/// <summary>
/// Hosts that share one in-memory store, each with a fake clock of its own, whose recurring schedulers the test drives
/// pass by pass (the hosts are never started, so nothing runs on its own and every step is deterministic).
/// </summary>
internal sealed class RecurringRig : IAsyncDisposable
{
    private readonly List<TestHost> _hosts = [];

    public IJobStorage Storage { get; } = new InMemoryJobStorage(new InMemoryStorageOptions());

    public CancellationToken Ct { get; } = new CancellationTokenSource(Deadline.Default).Token;

    /// <summary>A host on the shared store, with its own clock at <paramref name="now"/>.</summary>
    /// <param name="now">The host's clock.</param>
    /// <param name="declare">The host's declarations.</param>
    /// <param name="options">The host's options.</param>
    /// <param name="readsTogether">When set, the host's reads of due schedules wait for every host sharing it (see <see cref="RoundBarrier"/>).</param>
    public async Task<RigHost> AddHostAsync(DateTimeOffset now, Action<JobQueueBuilder>? declare = null, Action<JobQueueOptions>? options = null,
        RoundBarrier? readsTogether = null)
    {
        var time = new FakeTimeProvider(now);
        IJobStorage storage = readsTogether is null ? Storage : new ReadsTogether(Storage, readsTogether);
        TestHost host = await TestHost.StartAsync(
            q =>
            {
                q.UseStorage("shared", _ => storage).AddJob<RecordJob>().AddJob<GateJob>();
                q.Configure(o => options?.Invoke(o));
                declare?.Invoke(q);
            },
            s => s.AddSingleton<TimeProvider>(time).AddSingleton(new Probe()),
            start: false);
        _hosts.Add(host);
        return new RigHost(host, time, Ct);
    }

    /// <summary>Every job in the store, by run time.</summary>
    public async Task<IReadOnlyList<StoredJob>> JobsAsync()
        => [.. (await Storage.QueryJobsAsync(new JobQuery { Limit = 10_000, CountLimit = 0 }, Ct)).Jobs.OrderBy(j => j.RunAt)];

    public async Task<StoredRecurringJob> ScheduleAsync(string id)
        => (await Storage.GetRecurringJobsAsync(new RecurringJobQuery { Id = id }, Ct)).Single();

    public async ValueTask DisposeAsync()
    {
        foreach (TestHost host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}

/// <summary>One host of a <see cref="RecurringRig"/>: its clock, its scheduler and its <see cref="IRecurringJobs"/>.</summary>
internal sealed class RigHost(TestHost host, FakeTimeProvider time, CancellationToken ct)
{
    public FakeTimeProvider Time { get; } = time;

    public TestHost Host { get; } = host;

    public IRecurringJobs Recurring => Host.Services.GetRequiredService<IRecurringJobs>();

    public RecurringScheduler Scheduler => Host.Services.GetRequiredService<RecurringScheduler>();

    public Task<DateTimeOffset?> PassAsync() => Scheduler.RunPassAsync(ct);

    /// <summary>Sets the clock (forward only) and runs one pass.</summary>
    public Task<DateTimeOffset?> PassAtAsync(DateTimeOffset now)
    {
        if (now > Time.GetUtcNow())
        {
            Time.SetUtcNow(now);
        }

        return PassAsync();
    }

    /// <summary>Runs the scheduler as its loop would, waking at each next due time, up to <paramref name="end"/>.</summary>
    public async Task RunUntilAsync(DateTimeOffset end)
    {
        DateTimeOffset? next = await PassAsync();
        while (next is { } due && due <= end)
        {
            next = await PassAtAsync(due);
        }

        await PassAtAsync(end);
    }
}

/// <summary>
/// Makes hosts race: each one's read of due schedules returns only once every participant has read, so they all plan the
/// same occurrences and claim them at once, the race the store's conditional claim settles.
/// </summary>
internal sealed class RoundBarrier(int participants)
{
    private readonly Lock _lock = new();
    private int _arrived;
    private TaskCompletionSource _round = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task ArriveAsync()
    {
        lock (_lock)
        {
            TaskCompletionSource round = _round;
            if (++_arrived == participants)
            {
                _arrived = 0;
                _round = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                round.SetResult();
            }

            return Deadline.Within(round.Task, "every host to read the due schedules");
        }
    }
}

/// <summary>A host's view of the shared store whose due reads meet at a <see cref="RoundBarrier"/>.</summary>
internal sealed class ReadsTogether(IJobStorage inner, RoundBarrier barrier) : DelegatingStorage(inner)
{
    public override async ValueTask<RecurringDueJobs> GetDueRecurringJobsAsync(RecurringDueRequest request, CancellationToken cancellationToken)
    {
        RecurringDueJobs due = await base.GetDueRecurringJobsAsync(request, cancellationToken);
        await barrier.ArriveAsync();
        return due;
    }
}
