using JobQueue.Storage;

namespace JobQueue.InMemory;

// Flow control: holds, sliding-window rate logs, running counts per limit key, and the fetch's admission of a job.
internal sealed partial class InMemoryJobStorage
{
    private readonly Dictionary<string, long> _holds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InMemoryRateLog> _rateLogs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _runningByKey = new(StringComparer.Ordinal);

    // Enqueued jobs a fetch found over their key's concurrency limit, per key in fetch order. Parked rather than put
    // back: a busy key's backlog would otherwise stand at the head of its queue, and every fetch would walk it again. A
    // job of the key that leaves Running puts the first parked one back into its queue.
    private readonly Dictionary<string, PriorityQueue<InMemoryJob, ReadyKey>> _parked = new(StringComparer.Ordinal);

    public ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Holds);
        lock (_lock)
        {
            foreach (FlowHold hold in request.Holds)
            {
                long until = hold.Until.UtcTicks;
                if (!_holds.TryGetValue(hold.Scope, out long held) || held < until)
                {
                    _holds[hold.Scope] = until;
                }
            }

            PruneHoldsLocked(request.Now.UtcTicks);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        long now = request.Now.UtcTicks;
        lock (_lock)
        {
            var roomAt = new DateTimeOffset?[request.Rates.Count];
            for (int i = 0; i < roomAt.Length; i++)
            {
                RateScopeQuery rate = request.Rates[i];
                roomAt[i] = _rateLogs.TryGetValue(rate.Scope, out InMemoryRateLog? log) ? log.RoomAt(rate.Limit, now) : null;
            }

            long heldUntil = Math.Max(
                HeldUntilLocked(FlowScope.Name(request.Name), now),
                request.LimitKey is string key ? HeldUntilLocked(FlowScope.Key(key), now) : 0);
            return new ValueTask<FlowState>(new FlowState
            {
                QueuePaused = _pausedQueues.ContainsKey(request.Queue),
                RunningInQueue = _queues.TryGetValue(request.Queue, out InMemoryQueue? queue) ? queue.RunningCount : 0,
                RunningWithKey = request.LimitKey is string k ? _runningByKey.GetValueOrDefault(k) : 0,
                HeldUntil = heldUntil == 0 ? null : new DateTimeOffset(heldUntil, TimeSpan.Zero),
                RateRoomAt = roomAt,
            });
        }
    }

    /// <summary>The end of a live hold on <paramref name="scope"/>, or 0.</summary>
    private long HeldUntilLocked(string scope, long now)
        => _holds.TryGetValue(scope, out long until) && until > now ? until : 0;

    private void PruneHoldsLocked(long now)
    {
        if (_holds.Count > 64)
        {
            foreach ((string scope, long until) in _holds)
            {
                if (until <= now)
                {
                    _holds.Remove(scope);
                }
            }
        }
    }

    /// <summary>A job with a limit key started (+1) or left Running (-1): it counts against its key while it runs.</summary>
    private void CountRunningKeyLocked(InMemoryJob job, int delta)
    {
        if (job.Definition.LimitKey is string key)
        {
            int count = _runningByKey.GetValueOrDefault(key) + delta;
            if (count <= 0)
            {
                _runningByKey.Remove(key);
            }
            else
            {
                _runningByKey[key] = count;
            }

            if (delta < 0)
            {
                UnparkOneLocked(key);
            }
        }
    }

    private void ParkLocked(InMemoryJob job, string key)
    {
        if (!_parked.TryGetValue(key, out PriorityQueue<InMemoryJob, ReadyKey>? parked))
        {
            parked = new PriorityQueue<InMemoryJob, ReadyKey>();
            _parked.Add(key, parked);
        }

        job.Runs.Parked = true;
        parked.Enqueue(job, new ReadyKey(job.Definition.Priority, job.RunAtUtcTicks, job.Sequence));
    }

    /// <summary>A slot of the key was freed: its first parked job that is still waiting goes back to its queue.</summary>
    private void UnparkOneLocked(string key)
    {
        if (!_parked.TryGetValue(key, out PriorityQueue<InMemoryJob, ReadyKey>? parked))
        {
            return;
        }

        while (parked.TryDequeue(out InMemoryJob? job, out _))
        {
            bool wasParked = job.IsParked;
            job.Runs.Parked = false;
            if (wasParked && job.State == JobState.Enqueued)
            {
                job.Queue.Push(job);
                job.Queue.Wake();
                break;
            }
        }

        if (parked.Count == 0)
        {
            _parked.Remove(key);
        }
    }

    /// <summary>A parked job leaves its state (a cancel): taken out of its key's parked jobs, so a retry finds no entry.</summary>
    private void UnparkCancelledLocked(InMemoryJob job)
    {
        if (job.IsParked && job.Definition.LimitKey is string key && _parked.TryGetValue(key, out PriorityQueue<InMemoryJob, ReadyKey>? parked))
        {
            parked.Remove(job, out _, out _);
            job.Runs.Parked = false;
            if (parked.Count == 0)
            {
                _parked.Remove(key);
            }
        }
    }

    /// <summary>The parked jobs of a queue (for listings of Enqueued jobs).</summary>
    private IEnumerable<InMemoryJob> ParkedLocked(InMemoryQueue? queue)
    {
        foreach (PriorityQueue<InMemoryJob, ReadyKey> parked in _parked.Values)
        {
            foreach ((InMemoryJob job, ReadyKey _) in parked.UnorderedItems)
            {
                if (job.IsParked && (queue is null || job.Queue == queue))
                {
                    yield return job;
                }
            }
        }
    }

    private InMemoryRateLog RateLogLocked(string scope)
    {
        if (!_rateLogs.TryGetValue(scope, out InMemoryRateLog? log))
        {
            log = new InMemoryRateLog();
            _rateLogs.Add(scope, log);
        }

        return log;
    }

    /// <summary>
    /// One fetch's admission of jobs under its limits and the store's holds: what it leased so far counts with what runs and
    /// started already. Null when nothing limits the fetch (no limits in the request, no hold in the store).
    /// </summary>
    private FetchAdmission? AdmissionLocked(FetchRequest request, InMemoryQueue queue)
        => request.Limits is null && _holds.Count == 0 ? null : new FetchAdmission(this, request, queue);

    private enum Admit
    {
        Take,
        Skip,

        /// <summary>Over its key's concurrency limit: parked with its key until a job of the key leaves Running.</summary>
        Park,
        Stop,
    }

    /// <summary>See <see cref="AdmissionLocked"/>; used under the store's lock only, for one fetch.</summary>
    private sealed class FetchAdmission
    {
        private readonly InMemoryJobStorage _store;
        private readonly FetchLimits? _limits;
        private readonly long _now;
        private readonly string _queueScope;
        private readonly InMemoryQueue _queue;

        public FetchAdmission(InMemoryJobStorage store, FetchRequest request, InMemoryQueue queue)
        {
            _store = store;
            _limits = request.Limits;
            _now = request.Now.UtcTicks;
            _queueScope = FlowScope.Queue(queue.Name);
            _queue = queue;
            MaxSkipped = _limits?.MaxSkipped ?? new FetchLimits().MaxSkipped;
        }

        public int MaxSkipped { get; }

        /// <summary>Whether the queue's own limits leave room for one more job; when not, no later job can start either.</summary>
        public bool QueueHasRoom()
        {
            if (_limits is null)
            {
                return true;
            }

            // Leased jobs of this fetch are Running already, so the queue's count includes them.
            if (_limits.QueueConcurrency is int concurrency && _queue.RunningCount >= concurrency)
            {
                return false;
            }

            return _limits.QueueRate is not RateLimit rate || HasRateRoom(_queueScope, rate);
        }

        public Admit Decide(InMemoryJob job)
        {
            if (!QueueHasRoom())
            {
                return Admit.Stop;
            }

            NewJob definition = job.Definition;
            string? key = definition.LimitKey;
            if (_store._holds.Count != 0
                && (_store.HeldUntilLocked(FlowScope.Name(definition.Name), _now) != 0
                    || (key is not null && _store.HeldUntilLocked(FlowScope.Key(key), _now) != 0)))
            {
                return Admit.Skip;
            }

            if (_limits is null)
            {
                return Admit.Take;
            }

            NameLimits? named = NamedLimits(definition.Name);
            if (key is not null && (named?.ConcurrencyPerKey ?? _limits.ConcurrencyPerKey) is int perKey
                && _store._runningByKey.GetValueOrDefault(key) >= perKey)
            {
                // Leased jobs of this fetch are Running already, so the store's count includes them.
                return Admit.Park;
            }

            if (named?.Rate is RateLimit nameRate && !HasRateRoom(FlowScope.Name(definition.Name), nameRate))
            {
                return Admit.Skip;
            }

            if (key is not null && (named?.RatePerKey ?? _limits.RatePerKey) is RateLimit keyRate && !HasRateRoom(FlowScope.Key(key), keyRate))
            {
                return Admit.Skip;
            }

            return Admit.Take;
        }

        /// <summary>Counts a leased job: one running in the queue, one start in each rate scope that applied to it.</summary>
        public void Taken(InMemoryJob job)
        {
            if (_limits is null)
            {
                return;
            }

            NewJob definition = job.Definition;
            if (_limits.QueueRate is not null)
            {
                _store.RateLogLocked(_queueScope).Add(_now);
            }

            NameLimits? named = NamedLimits(definition.Name);
            if (named?.Rate is not null)
            {
                _store.RateLogLocked(FlowScope.Name(definition.Name)).Add(_now);
            }

            if (definition.LimitKey is string key && (named?.RatePerKey ?? _limits.RatePerKey) is not null)
            {
                _store.RateLogLocked(FlowScope.Key(key)).Add(_now);
            }
        }

        private bool HasRateRoom(string scope, RateLimit rate)
            => !_store._rateLogs.TryGetValue(scope, out InMemoryRateLog? log) || log.Count(_now, rate.Period.Ticks) < rate.Starts;

        private NameLimits? NamedLimits(string name) => _limits.ForName(name);
    }
}
