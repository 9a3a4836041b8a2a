using System.Diagnostics.Metrics;
using JobQueue.Diagnostics;
using JobQueue.Storage;
using Microsoft.Extensions.Logging;

namespace JobQueue.Hosting;

/// <summary>
/// This host's view of which of its queues are paused: read from the store every poll interval, so every host sees
/// a pause or a resume within one. The fetch loops skip a queue seen paused, the heartbeat reports it, and each
/// change is logged once.
/// </summary>
/// <remarks>
/// The view is an optimization and a report, not the guarantee: the store's fetch itself refuses a paused queue,
/// atomically with the pause, so a host that has not seen a pause yet still starts none of the queue's jobs.
/// </remarks>
internal sealed class PauseWatcher
{
    private static readonly Dictionary<string, DateTimeOffset> s_none = new(StringComparer.Ordinal);

    private readonly IJobStorage _storage;
    private readonly HashSet<string> _served;
    private readonly JobQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Replaced whole on each change, never mutated: readers take the reference without a lock.
    private Dictionary<string, DateTimeOffset> _paused = s_none;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _unreadable;

    public PauseWatcher(IJobStorage storage, IEnumerable<string> servedQueues, JobQueueOptions options, TimeProvider time, ILogger logger,
        JobQueueDiagnostics? diagnostics)
    {
        _storage = storage;
        _served = new HashSet<string>(servedQueues, StringComparer.Ordinal);
        _options = options;
        _time = time;
        _logger = logger;
        diagnostics?.ObservePausedQueues(Observe);
    }

    /// <summary>Whether this host last saw <paramref name="queue"/> paused.</summary>
    public bool IsPaused(string queue) => Volatile.Read(ref _paused).ContainsKey(queue);

    /// <summary>
    /// Completes at the next change of this view. Take it before reading <see cref="IsPaused"/>: a change between the
    /// two then completes the task taken, so no change is missed.
    /// </summary>
    public Task WhenChanged => Volatile.Read(ref _changed).Task;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RefreshAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads the paused queues once; a failed read keeps the last view (logged once per outage) and never throws.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<PausedQueue> stored;
        try
        {
            stored = await _storage.GetPausedQueuesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // A store outage must not end the loop: the fetch loops back off on their own.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (!_unreadable)
            {
                _unreadable = true;
                _logger.PausedQueuesUnreadable(ex);
            }

            return;
        }

        _unreadable = false;
        Dictionary<string, DateTimeOffset> previous = _paused;
        var now = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (PausedQueue queue in stored)
        {
            // Other queues' pauses are other hosts' business: they must not wake this host's loops.
            if (_served.Contains(queue.Queue))
            {
                now[queue.Queue] = queue.PausedAt;
            }
        }

        bool changed = now.Count != previous.Count;
        foreach ((string queue, DateTimeOffset pausedAt) in now)
        {
            if (!previous.ContainsKey(queue))
            {
                changed = true;
                _logger.QueuePausedSeen(queue, pausedAt);
            }
        }

        foreach (string queue in previous.Keys)
        {
            if (!now.ContainsKey(queue))
            {
                changed = true;
                _logger.QueueResumedSeen(queue);
            }
        }

        if (changed)
        {
            // The new view first, then the signal: a loop woken by it reads the new view.
            Volatile.Write(ref _paused, now);
            TaskCompletionSource fired = Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            fired.TrySetResult();
        }
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        Dictionary<string, DateTimeOffset> paused = Volatile.Read(ref _paused);
        foreach (string queue in _served)
        {
            yield return new Measurement<int>(paused.ContainsKey(queue) ? 1 : 0, new KeyValuePair<string, object?>("jobqueue.queue", queue));
        }
    }
}
