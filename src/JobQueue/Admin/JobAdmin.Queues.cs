using JobQueue.Hosting;
using JobQueue.Storage;

namespace JobQueue.Admin;

internal sealed partial class JobAdmin
{
    public ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        RequireQueueName(queue);
        return PauseCoreAsync(queue, cancellationToken);
    }

    public ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        RequireQueueName(queue);
        return ResumeCoreAsync(queue, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<QueueInfo>> GetQueuesAsync(CancellationToken cancellationToken = default)
    {
        // Four small reads rather than one store call: each is an SPI member every store has, and none needs to be
        // consistent with the others to the job (a dashboard's snapshot).
        IReadOnlyList<QueueStatistics> statistics = await _storage.GetQueueStatisticsAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ReadyQueue> ready = await _storage.GetReadyQueuesAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<PausedQueue> paused = await _storage.GetPausedQueuesAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<HostHeartbeat> hosts = await _storage.GetHostsAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();

        var counts = statistics.ToDictionary(static s => s.Queue, StringComparer.Ordinal);
        var oldest = ready.ToDictionary(static r => r.Queue, static r => r.OldestRunAt, StringComparer.Ordinal);
        var pausedAt = paused.ToDictionary(static p => p.Queue, static p => p.PausedAt, StringComparer.Ordinal);

        // Served by live hosts only: a gone host's concurrency is no capacity.
        var served = new Dictionary<string, (int Hosts, int Concurrency)>(StringComparer.Ordinal);
        foreach (HostHeartbeat host in hosts)
        {
            if (HostLiveness.StatusAt(host, now) == HostStatus.Alive)
            {
                foreach (HostQueue queue in host.Queues)
                {
                    (int count, int concurrency) = served.GetValueOrDefault(queue.Queue);
                    served[queue.Queue] = (count + 1, concurrency + queue.Concurrency);
                }
            }
        }

        // A queue is listed when it has jobs, is paused or is served, even with nothing else to show.
        var names = new SortedSet<string>(counts.Keys, StringComparer.Ordinal);
        names.UnionWith(oldest.Keys);
        names.UnionWith(pausedAt.Keys);
        names.UnionWith(served.Keys);

        var result = new List<QueueInfo>(names.Count);
        foreach (string name in names)
        {
            QueueStatistics? count = counts.GetValueOrDefault(name);
            bool isPaused = pausedAt.TryGetValue(name, out DateTimeOffset since);
            (int hostCount, int concurrency) = served.GetValueOrDefault(name);
            result.Add(new QueueInfo
            {
                Name = name,
                Paused = isPaused,
                PausedAt = isPaused ? since : null,
                Scheduled = count?.Scheduled ?? 0,
                Enqueued = count?.Enqueued ?? 0,
                Running = count?.Running ?? 0,
                Succeeded = count?.Succeeded ?? 0,
                Failed = count?.Failed ?? 0,
                Cancelled = count?.Cancelled ?? 0,
                Awaiting = count?.Awaiting ?? 0,
                Latency = oldest.TryGetValue(name, out DateTimeOffset due) && now > due ? now - due : TimeSpan.Zero,
                Hosts = hostCount,
                Concurrency = concurrency,
            });
        }

        return result;
    }

    private async ValueTask PauseCoreAsync(string queue, CancellationToken cancellationToken)
        => await _storage.PauseQueueAsync(new PauseQueueRequest { Queue = queue, Now = _time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);

    private async ValueTask ResumeCoreAsync(string queue, CancellationToken cancellationToken)
        => await _storage.ResumeQueueAsync(new ResumeQueueRequest { Queue = queue }, cancellationToken).ConfigureAwait(false);

    /// <summary>The same rule as <c>AddQueue</c> and <c>EnqueueOptions.Queue</c>: any name but an empty one.</summary>
    private static void RequireQueueName(string queue)
    {
        if (string.IsNullOrWhiteSpace(queue))
        {
            throw new ArgumentException(
                $"A queue name cannot be {(queue is null ? "null" : "empty")}: name the queue to pause or resume, such as \"tickets\".", nameof(queue));
        }
    }
}
