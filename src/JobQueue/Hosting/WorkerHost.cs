using JobQueue.Diagnostics;
using JobQueue.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobQueue.Hosting;

/// <summary>
/// The hosted service that runs jobs: one fetch loop per queue, a lease keeper and maintenance. Start returns
/// at once; stop stops fetching, lets running jobs finish within <see cref="JobQueueOptions.ShutdownTimeout"/>,
/// then cancels them and gives their leases back so another worker picks them up at once.
/// </summary>
internal sealed class WorkerHost : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan s_removeTimeout = TimeSpan.FromSeconds(5);

    private readonly IJobStorage _storage;
    private readonly WorkerPlan _plan;
    private readonly JobExecutor _executor;
    private readonly RunningJobs _running;
    private readonly JobQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopFetching = new();
    private readonly CancellationTokenSource _shutdownJobs = new();
    private readonly CancellationTokenSource _stopBackground = new();
    private readonly List<Task> _loops = [];
    private Task? _background;
    private int _started;

    public WorkerHost(IJobStorage storage, WorkerPlan plan, JobExecutor executor, RunningJobs running, JobQueueOptions options,
        TimeProvider time, ILogger<WorkerHost> logger, JobQueueDiagnostics? diagnostics = null)
    {
        _storage = storage;
        _plan = plan;
        _executor = executor;
        _running = running;
        _options = options;
        _time = time;
        _logger = logger;
        WorkerId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
        LeaseKeeper = new LeaseKeeper(storage, running, options, time, logger);
        Maintenance = new MaintenanceRunner(storage, options, time, logger);
        Pauses = new PauseWatcher(storage, plan.Queues.Keys, options, time, logger, diagnostics);
        Heartbeats = new HeartbeatWriter(storage, plan.Queues, running, Pauses, options, time, logger, WorkerId);
    }

    /// <summary>Names this host on its leases, for diagnostics.</summary>
    public string WorkerId { get; }

    /// <summary>The queues this host fetches from while it runs.</summary>
    public IEnumerable<string> Queues => _plan.Queues.Keys;

    public LeaseKeeper LeaseKeeper { get; }

    public MaintenanceRunner Maintenance { get; }

    /// <summary>Which of this host's queues it sees paused.</summary>
    public PauseWatcher Pauses { get; }

    /// <summary>This host's heartbeats in the store's host registry.</summary>
    public HeartbeatWriter Heartbeats { get; }

    /// <summary>What the health check reports of this host: whether its loops run.</summary>
    public WorkerHostStatus Status
    {
        get
        {
            if (Volatile.Read(ref _started) == 0)
            {
                return WorkerHostStatus.NotStarted;
            }

            if (_stopFetching.IsCancellationRequested)
            {
                return WorkerHostStatus.Stopped;
            }

            // A loop ends only at shutdown; one that ended before is a fault the loop could not survive.
            return _loops.Any(static loop => loop.IsCompleted) || _background is { IsCompleted: true }
                ? WorkerHostStatus.Faulted
                : WorkerHostStatus.Running;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("The JobQueue worker host was started twice.");
        }

        foreach ((string queue, int concurrency) in _plan.Queues)
        {
            var worker = new QueueWorker(queue, concurrency, _storage, _executor, _options, _time, WorkerId, Pauses, _logger,
                _plan.Limits.GetValueOrDefault(queue));
            _loops.Add(Task.Run(() => worker.RunAsync(_stopFetching.Token, _shutdownJobs.Token), CancellationToken.None));
        }

        _background = Task.WhenAll(
            Task.Run(() => LeaseKeeper.RunAsync(_stopBackground.Token), CancellationToken.None),
            Task.Run(() => Maintenance.RunAsync(_stopFetching.Token), CancellationToken.None),
            Task.Run(() => Pauses.RunAsync(_stopFetching.Token), CancellationToken.None),
            Task.Run(() => Heartbeats.RunAsync(_stopBackground.Token), CancellationToken.None));
        _logger.HostStarted(WorkerId, _storage.GetType().Name, string.Join(", ", _plan.Queues.Select(q => $"{q.Key} ({q.Value})")));
        return Task.CompletedTask;
    }

    private readonly Lock _stopLock = new();
    private Task? _stopping;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            return Task.CompletedTask;
        }

        // One stop, however many callers: the generic host's StopAsync and the container's DisposeAsync can overlap
        // (WebApplication disposes its host when Run returns), and a second caller must wait for the drain in progress
        // rather than return and let DisposeAsync dispose the token sources the first one still uses.
        lock (_stopLock)
        {
            return _stopping ??= StopOnceAsync(cancellationToken);
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        if (_stopFetching.IsCancellationRequested)
        {
            return;
        }

        _logger.HostStopping(_options.ShutdownTimeout, _running.Count);
        await _stopFetching.CancelAsync().ConfigureAwait(false);
        await WaitQuietlyAsync(Task.WhenAll(_loops), Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);

        // Drain: running jobs get ShutdownTimeout to finish (less if the host's own stop token fires first).
        Task drained = _running.WhenEmptyAsync();
        if (!await WaitQuietlyAsync(drained, _options.ShutdownTimeout, cancellationToken).ConfigureAwait(false))
        {
            _logger.ShutdownCancellingJobs(_running.Count);
            await _shutdownJobs.CancelAsync().ConfigureAwait(false);

            // Cancelled handlers give their leases back; those that ignore the token are abandoned after the grace.
            await WaitQuietlyAsync(_running.WhenEmptyAsync(), TimerLimit.Clamp(_options.TimeoutGrace + TimeSpan.FromSeconds(5)), CancellationToken.None)
                .ConfigureAwait(false);
        }

        await _stopBackground.CancelAsync().ConfigureAwait(false);
        if (_background is not null)
        {
            await WaitQuietlyAsync(_background, Timeout.InfiniteTimeSpan, CancellationToken.None).ConfigureAwait(false);
        }

        // Last, after the drain (the heartbeats went on meanwhile): a stopped host leaves the registry at once instead of
        // being listed as gone. Bounded, so a store that stalls at shutdown cannot hold the stop.
        using (var removal = new CancellationTokenSource(s_removeTimeout, _time))
        using (cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), removal))
        {
            await WaitQuietlyAsync(Heartbeats.RemoveAsync(removal.Token), s_removeTimeout, cancellationToken).ConfigureAwait(false);
        }

        _logger.HostStopped();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopFetching.Dispose();
        _shutdownJobs.Dispose();
        _stopBackground.Dispose();
    }

    /// <summary>Waits for <paramref name="task"/> up to a timeout or a token; returns whether it finished. Never throws.</summary>
    private async Task<bool> WaitQuietlyAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!task.IsCompleted)
        {
            return false;
        }
#pragma warning disable CA1031 // The loops end by cancellation; any other fault was logged where it happened.
        catch (Exception)
#pragma warning restore CA1031
        {
            return task.IsCompleted;
        }
    }
}
