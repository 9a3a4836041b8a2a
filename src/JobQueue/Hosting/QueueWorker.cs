using JobQueue.Diagnostics;
using JobQueue.Storage;
using Microsoft.Extensions.Logging;

namespace JobQueue.Hosting;

/// <summary>
/// The fetch loop of one queue: leases as many jobs as it has free slots, starts each, and when the queue is
/// empty waits for the store's wake-up signal (or the poll interval, whichever comes first).
/// </summary>
internal sealed class QueueWorker
{
    private static readonly TimeSpan s_maxFetchBackoff = TimeSpan.FromSeconds(30);

    // Bounds of how long a busy loop waits to gather slots for one fetch: timers tick in milliseconds, and a
    // slow store must not hold jobs back for long.
    private static readonly TimeSpan s_minGatherWindow = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan s_maxGatherWindow = TimeSpan.FromMilliseconds(20);

    private readonly string _queue;
    private readonly int _concurrency;
    private readonly QueueSlots _slots;
    private readonly IJobStorage _storage;
    private readonly JobExecutor _executor;
    private readonly JobQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly string _workerId;
    private readonly PauseWatcher _pauses;
    private readonly ILogger _logger;
    private readonly FetchLimits? _limits;

    public QueueWorker(string queue, int concurrency, IJobStorage storage, JobExecutor executor, JobQueueOptions options, TimeProvider time,
        string workerId, PauseWatcher pauses, ILogger logger, FetchLimits? limits = null)
    {
        _limits = limits;
        _queue = queue;
        _concurrency = concurrency;
        _slots = new QueueSlots(concurrency);
        _storage = storage;
        _executor = executor;
        _options = options;
        _time = time;
        _workerId = workerId;
        _pauses = pauses;
        _logger = logger;
    }

    /// <param name="stopFetching">Fires at shutdown: no new job is leased after it.</param>
    /// <param name="shutdownJobs">Fires when running jobs must stop (shutdown timeout reached).</param>
    public async Task RunAsync(CancellationToken stopFetching, CancellationToken shutdownJobs)
    {
        int limit = Math.Min(_concurrency, _options.FetchBatchSize);
        TimeSpan backoff = TimeSpan.Zero;

        // Whether the last fetch came back with every job it asked for (more are likely waiting), and how long it took.
        bool backlog = false;
        TimeSpan lastFetch = TimeSpan.Zero;
        // Set when a wake-up signal ended a wait while the queue was seen paused: it may be the resume itself, which the
        // store signals at once while this host's view follows only at its next read, so the loop fetches once.
        bool wokenWhilePaused = false;
        using CancellationTokenRegistration closeSlots = stopFetching.UnsafeRegister(static state => ((QueueSlots)state!).Close(), _slots);
        while (!stopFetching.IsCancellationRequested)
        {
            if (!wokenWhilePaused)
            {
                Task pauseChanged = _pauses.WhenChanged;
                if (_pauses.IsPaused(_queue))
                {
                    // No fetch while paused: the store would refuse it anyway. Running jobs go on and free their slots.
                    wokenWhilePaused = await WaitWhilePausedAsync(pauseChanged, stopFetching).ConfigureAwait(false);
                    continue;
                }
            }

            wokenWhilePaused = false;
            await _slots.TakeAsync().ConfigureAwait(false);
            if (backlog && _storage.Capabilities.CoalesceWrites && limit > 1 && lastFetch > TimeSpan.Zero)
            {
                // A fetch from a store that pays a round trip costs about the same for one job as for a batch, and
                // with a backlog the first freed slot would otherwise trigger a fetch of one job. So wait for the
                // slots to fill the batch, but no longer than a fetch takes: fewer, fuller fetches, and at most
                // one fetch's time of extra wait for a job that was queued behind others anyway.
                TimeSpan window = TimeSpan.FromTicks(Math.Clamp(lastFetch.Ticks, s_minGatherWindow.Ticks, s_maxGatherWindow.Ticks));
                await _slots.GatherAsync(limit - 1, window, _time).ConfigureAwait(false);
            }

            int free = 1 + _slots.TakeUpTo(limit - 1);

            IReadOnlyList<StoredJob> jobs;
            // Read before the fetch, so that a local job ending while the fetch runs is not missed (see WaitForWorkAsync).
            long ended = _limits is null ? 0 : _slots.Ended;
            long fetchStarted = _time.GetTimestamp();
            try
            {
                DateTimeOffset now = _time.GetUtcNow();
                jobs = await _storage.FetchAsync(
                    new FetchRequest
                    {
                        Queue = _queue,
                        Limit = free,
                        Now = now,
                        LeaseToken = RandomGuids.NewVersion4(),
                        LeaseExpiresAt = now + _options.LeaseDuration,
                        WorkerId = _workerId,
                        Limits = _limits,
                    },
                    stopFetching).ConfigureAwait(false);
                backoff = TimeSpan.Zero;
                lastFetch = _time.GetElapsedTime(fetchStarted);
                backlog = jobs.Count == free;
            }
            catch (OperationCanceledException) when (stopFetching.IsCancellationRequested)
            {
                _slots.Release(free);
                break;
            }
#pragma warning disable CA1031 // A store outage must not end the loop: log, back off, try again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _slots.Release(free);
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxFetchBackoff.Ticks));
                _logger.FetchFailed(_queue, backoff, ex);
                await DelayAsync(backoff, stopFetching).ConfigureAwait(false);
                continue;
            }

            if (jobs.Count > 0 && lastFetch > _options.LeaseDuration / 3)
            {
                jobs = await RenewStaleLeasesAsync(jobs, lastFetch, stopFetching).ConfigureAwait(false);
            }

            if (free > jobs.Count)
            {
                _slots.Release(free - jobs.Count);
            }

            for (int i = 0; i < jobs.Count; i++)
            {
                // The executor frees the slot when the handler ends, before the outcome write, and never throws;
                // the host's drain at shutdown waits for it through RunningJobs.
                _ = _executor.ExecuteAsync(jobs[i], shutdownJobs, _slots);
            }

            if (jobs.Count == 0)
            {
                await WaitForWorkAsync(_limits is null ? null : _slots.WhenEndedSince(ended), stopFetching).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Renews the leases of jobs whose fetch took longer than a renewal interval, and returns the jobs whose lease
    /// the store still holds for this worker.
    /// </summary>
    /// <remarks>
    /// A fetch answered late (a store that stalled, then ran the queued command) hands out leases that are old, or
    /// already expired, before any handler starts. The lease keeper's next renewal may be a whole interval away, and
    /// a rescue in between would give the job to another worker while its handler runs here: a second run of a job
    /// that was never in flight. Renewed first, a job that was rescued meanwhile is simply not started.
    /// </remarks>
    private async Task<IReadOnlyList<StoredJob>> RenewStaleLeasesAsync(IReadOnlyList<StoredJob> jobs, TimeSpan elapsed, CancellationToken stopFetching)
    {
        DateTimeOffset expiresAt = _time.GetUtcNow() + _options.LeaseDuration;
        var extensions = new LeaseExtension[jobs.Count];
        for (int i = 0; i < jobs.Count; i++)
        {
            extensions[i] = new LeaseExtension { Id = jobs[i].Id, LeaseToken = jobs[i].LeaseToken!.Value, ExpiresAt = expiresAt };
        }

        IReadOnlyList<bool> held;
        try
        {
            held = await _storage.ExtendLeasesAsync(extensions, stopFetching).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A store outage must not end the loop; not starting the jobs is the safe side.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Not started, so never run twice: their leases expire and a rescue returns them to work.
            _logger.StaleFetchNotRenewed(_queue, elapsed, jobs.Count, ex);
            return [];
        }

        var kept = new List<StoredJob>(jobs.Count);
        for (int i = 0; i < jobs.Count; i++)
        {
            if (held[i])
            {
                kept.Add(jobs[i] with { LeaseExpiresAt = expiresAt });
            }
        }

        _logger.StaleFetchRenewed(_queue, elapsed, kept.Count, jobs.Count - kept.Count);
        return kept;
    }

    /// <summary>
    /// Waits, while this host sees the queue paused, for its view to change or for the store's wake-up signal; returns
    /// whether the signal ended the wait.
    /// </summary>
    private async Task<bool> WaitWhilePausedAsync(Task pauseChanged, CancellationToken stopFetching)
    {
        if (!_storage.Capabilities.WakeUpSignal)
        {
            try
            {
                await pauseChanged.WaitAsync(stopFetching).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutdown: the loop condition ends the loop.
            }

            return false;
        }

        using var stopSignal = CancellationTokenSource.CreateLinkedTokenSource(stopFetching);
        Task signal = _storage.WaitForWorkAsync(_queue, stopSignal.Token).AsTask();
        Task first = await Task.WhenAny(signal, pauseChanged).ConfigureAwait(false);
        await stopSignal.CancelAsync().ConfigureAwait(false);
        try
        {
            await signal.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ended by the view's change or by shutdown.
        }
#pragma warning disable CA1031 // A broken signal degrades to the view's own reads.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.FetchFailed(_queue, _options.PollInterval, ex);
            return false;
        }

        return first == signal && !stopFetching.IsCancellationRequested;
    }

    /// <param name="released">For a limited queue: completes when a local job of the queue has ended in the store.</param>
    /// <param name="stopFetching">Fires at shutdown.</param>
    private async Task WaitForWorkAsync(Task? released, CancellationToken stopFetching)
    {
        // The signal makes an idle worker start new work at once; the poll interval bounds a lost signal, and is the whole
        // wait of a store without one.
        using var poll = new CancellationTokenSource(_options.PollInterval, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopFetching, poll.Token);
        try
        {
            Task work = _storage.Capabilities.WakeUpSignal
                ? _storage.WaitForWorkAsync(_queue, wait.Token).AsTask()
                : Task.Delay(Timeout.InfiniteTimeSpan, _time, wait.Token);

            // Ready jobs may be held back by a limit that a job running here frees when it ends (another key's start or a
            // slot under the queue's global limit), which no store signal announces: so the end of a local job of this
            // queue in the store (its outcome written, not just its handler returned) also ends the wait. Limits freed
            // on other hosts are seen at the next poll.
            if (released is not null && await Task.WhenAny(work, released).ConfigureAwait(false) == released)
            {
                await wait.CancelAsync().ConfigureAwait(false);
            }

            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Poll interval passed, a local job ended, or shutdown: the loop condition decides.
        }
#pragma warning disable CA1031 // A broken signal degrades to polling.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.FetchFailed(_queue, _options.PollInterval, ex);
            await DelayAsync(_options.PollInterval, stopFetching).ConfigureAwait(false);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: the loop condition ends the loop.
        }
    }
}
