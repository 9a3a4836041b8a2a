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
    private readonly ILogger _logger;

    public QueueWorker(string queue, int concurrency, IJobStorage storage, JobExecutor executor, JobQueueOptions options, TimeProvider time,
        string workerId, ILogger logger)
    {
        _queue = queue;
        _concurrency = concurrency;
        _slots = new QueueSlots(concurrency);
        _storage = storage;
        _executor = executor;
        _options = options;
        _time = time;
        _workerId = workerId;
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
        using CancellationTokenRegistration closeSlots = stopFetching.UnsafeRegister(static state => ((QueueSlots)state!).Close(), _slots);
        while (!stopFetching.IsCancellationRequested)
        {
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
                await WaitForWorkAsync(stopFetching).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stopFetching)
    {
        if (!_storage.Capabilities.WakeUpSignal)
        {
            await DelayAsync(_options.PollInterval, stopFetching).ConfigureAwait(false);
            return;
        }

        // The signal makes an idle worker start new work at once; the poll interval bounds a lost signal.
        using var poll = new CancellationTokenSource(_options.PollInterval, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopFetching, poll.Token);
        try
        {
            await _storage.WaitForWorkAsync(_queue, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Poll interval passed, or shutdown: the loop condition decides.
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
