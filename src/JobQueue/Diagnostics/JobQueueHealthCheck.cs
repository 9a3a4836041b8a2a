using System.Globalization;
using JobQueue.Hosting;
using JobQueue.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JobQueue.Diagnostics;

/// <summary>
/// Reports whether the store answers, whether this process's worker host runs, whether a live host serves each queue
/// with ready jobs, and how long each queue's oldest ready job has waited. Unhealthy: the store cannot be reached, or
/// the worker host stopped or lost a loop. Degraded: a queue that is not paused has ready jobs and no live host serves
/// it, or has had a ready job wait longer than <see cref="JobQueueHealthCheckOptions.QueueLatencyDegraded"/>, or
/// handlers abandoned after ignoring their timeout still run in this process.
/// </summary>
internal sealed class JobQueueHealthCheck : IHealthCheck
{
    private readonly IJobStorage _storage;
    private readonly StoreName _store;
    private readonly WorkerHost? _worker;
    private readonly AbandonedHandlers _abandoned;
    private readonly JobQueueHealthCheckOptions _options;
    private readonly TimeProvider _time;

    public JobQueueHealthCheck(IJobStorage storage, StoreName store, AbandonedHandlers abandoned, JobQueueHealthCheckOptions options, TimeProvider time,
        WorkerHost? worker = null)
    {
        _storage = storage;
        _store = store;
        _abandoned = abandoned;
        _worker = worker;
        _options = options;
        _time = time;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["store"] = _store.Name };
        WorkerHostStatus? worker = _worker?.Status;
        data["worker"] = worker?.ToString() ?? "none in this process";
        int abandonedRunning = _abandoned.StillRunning;
        data["handlers.abandoned"] = _abandoned.Total;
        data["handlers.abandoned_running"] = abandonedRunning;

        IReadOnlyList<ReadyQueue> ready;
        HashSet<string> paused;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.StoreTimeout);
            ready = await _storage.GetReadyQueuesAsync(timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            paused = await ReadPausedAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"The {_store.Name} store did not answer within {_options.StoreTimeout}.", data: data);
        }
#pragma warning disable CA1031 // Whatever the store throws is the report, not a fault of the check.
        catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"The {_store.Name} store cannot be reached: {exception.Message}", exception, data);
        }

        foreach (string queue in paused)
        {
            data[$"queue.{queue}.paused"] = true;
        }

        DateTimeOffset now = _time.GetUtcNow();

        // The host registry is read only when some queue has ready jobs: with none, no job waits for a host.
        Dictionary<string, int>? servingHosts = ready.Count > 0
            ? await ReadServingHostsAsync(worker, now, data, cancellationToken).ConfigureAwait(false)
            : null;

        var unserved = new List<string>();
        var slow = new List<string>();
        foreach (ReadyQueue queue in ready)
        {
            TimeSpan latency = now > queue.OldestRunAt ? now - queue.OldestRunAt : TimeSpan.Zero;
            data[$"queue.{queue.Queue}.ready"] = queue.Count;
            data[$"queue.{queue.Queue}.latency_seconds"] = Math.Round(latency.TotalSeconds, 3);
            int hosts = 0;
            if (servingHosts is not null)
            {
                hosts = servingHosts.GetValueOrDefault(queue.Queue);
                data[$"queue.{queue.Queue}.hosts"] = hosts;
            }

            // A paused queue's jobs wait on purpose: its latency is reported, but it is no sign of missing workers.
            if (paused.Contains(queue.Queue))
            {
                continue;
            }

            // Without a host a queue's jobs wait for ever, however young they are; reported once, as that, not as slow too.
            if (servingHosts is not null && hosts == 0)
            {
                string jobs = queue.Count == 1 ? "1 ready job" : queue.Count.ToString(CultureInfo.InvariantCulture) + " ready jobs";
                unserved.Add($"Queue '{queue.Queue}' has {jobs} and no live worker host serves it.");
            }
            else if (latency > _options.QueueLatencyDegraded)
            {
                slow.Add($"{queue.Queue} ({queue.Count.ToString(CultureInfo.InvariantCulture)} ready, the oldest waiting {Describe(latency)})");
            }
        }

        if (worker is WorkerHostStatus.Faulted or WorkerHostStatus.Stopped)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                worker == WorkerHostStatus.Faulted
                    ? "The JobQueue worker host in this process lost a fetch loop: some queue is no longer served here; see its logs."
                    : "The JobQueue worker host in this process has stopped.",
                data: data);
        }

        var degraded = new List<string>(unserved);
        if (slow.Count > 0)
        {
            degraded.Add($"Ready jobs have waited longer than {Describe(_options.QueueLatencyDegraded)} in {string.Join(", ", slow)}: more workers are needed, or no worker serves the queue.");
        }

        if (abandonedRunning > 0)
        {
            // Abandoned code keeps its thread, its memory and whatever it holds: a few are a warning, many a leak.
            degraded.Add($"{abandonedRunning.ToString(CultureInfo.InvariantCulture)} handlers abandoned after ignoring their timeout still run in this process.");
        }

        if (degraded.Count > 0)
        {
            return HealthCheckResult.Degraded(string.Join(" ", degraded), data: data);
        }

        return HealthCheckResult.Healthy($"The {_store.Name} store answers; {ready.Count.ToString(CultureInfo.InvariantCulture)} queues have ready jobs.", data);
    }

    /// <summary>
    /// How many live hosts serve each queue, from the host registry, with this process's running worker host counted for
    /// its queues even before its first heartbeat is stored (a host that just started is no missing host). Null when the
    /// registry cannot be read: the ready and paused reads answered, so the store is reachable, and the check reports what
    /// it knows without the hosts rather than turn a failed extra read into a failed check.
    /// </summary>
    private async Task<Dictionary<string, int>?> ReadServingHostsAsync(WorkerHostStatus? worker, DateTimeOffset now,
        Dictionary<string, object> data, CancellationToken cancellationToken)
    {
        IReadOnlyList<HostHeartbeat> hosts;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.StoreTimeout);
            hosts = await _storage.GetHostsAsync(timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            data["hosts.error"] = $"The host registry did not answer within {_options.StoreTimeout}.";
            return null;
        }
#pragma warning disable CA1031 // Whatever the store throws is reported in the data; the check goes on without the hosts.
        catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
        {
            data["hosts.error"] = exception.Message;
            return null;
        }

        // Host ids, so this process's own host is counted once whether or not its heartbeat is stored yet.
        var serving = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (HostHeartbeat host in hosts)
        {
            if (HostLiveness.StatusAt(host, now) == HostStatus.Alive)
            {
                foreach (HostQueue queue in host.Queues)
                {
                    Serve(queue.Queue, host.HostId);
                }
            }
        }

        if (worker == WorkerHostStatus.Running && _worker is not null)
        {
            foreach (string queue in _worker.Queues)
            {
                Serve(queue, _worker.WorkerId);
            }
        }

        return serving.ToDictionary(static s => s.Key, static s => s.Value.Count, StringComparer.Ordinal);

        void Serve(string queue, string hostId)
        {
            if (!serving.TryGetValue(queue, out HashSet<string>? ids))
            {
                serving[queue] = ids = new HashSet<string>(StringComparer.Ordinal);
            }

            ids.Add(hostId);
        }
    }

    private async Task<HashSet<string>> ReadPausedAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<PausedQueue> paused = await _storage.GetPausedQueuesAsync(cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        return new HashSet<string>(paused.Select(static p => p.Queue), StringComparer.Ordinal);
    }

    private static string Describe(TimeSpan duration) => duration.TotalMinutes >= 1
        ? duration.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min"
        : duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
