using JobQueue.Storage;

namespace JobQueue.InMemory;

internal sealed partial class InMemoryJobStorage
{
    // Paused queue to its pause time. Read by FetchAsync under the same lock that guards every change here, so a
    // fetch is wholly before or wholly after a pause.
    private readonly Dictionary<string, DateTimeOffset> _pausedQueues = new(StringComparer.Ordinal);

    public ValueTask<bool> PauseQueueAsync(PauseQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Queue, nameof(request));
        lock (_lock)
        {
            return new ValueTask<bool>(_pausedQueues.TryAdd(request.Queue, request.Now));
        }
    }

    public ValueTask<bool> ResumeQueueAsync(ResumeQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Queue, nameof(request));
        lock (_lock)
        {
            if (!_pausedQueues.Remove(request.Queue))
            {
                return new ValueTask<bool>(false);
            }

            // Idle workers of the queue start at once instead of at their next poll.
            if (_queues.TryGetValue(request.Queue, out InMemoryQueue? queue))
            {
                queue.Wake();
            }

            return new ValueTask<bool>(true);
        }
    }

    public ValueTask<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(CancellationToken cancellationToken)
    {
        var paused = new List<PausedQueue>();
        lock (_lock)
        {
            foreach ((string queue, DateTimeOffset pausedAt) in _pausedQueues)
            {
                paused.Add(new PausedQueue { Queue = queue, PausedAt = pausedAt });
            }
        }

        paused.Sort(static (a, b) => string.CompareOrdinal(a.Queue, b.Queue));
        return new ValueTask<IReadOnlyList<PausedQueue>>(paused);
    }
}
