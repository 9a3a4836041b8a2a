using System.Globalization;
using System.Runtime.InteropServices;
using JobQueue.Storage;

namespace JobQueue.InMemory;

// Job administration: listing jobs by index, retry, delete and the throughput counts.
internal sealed partial class InMemoryJobStorage
{
    private static readonly IComparer<InMemoryJob> s_bySequence = Comparer<InMemoryJob>.Create(static (a, b) => a.Sequence.CompareTo(b.Sequence));

    // The indexes of listing, each in enqueue order: appended at enqueue (a few references per job), so an enqueue
    // pays no sorted insert. The queue's own list is InMemoryQueue.Jobs.
    private readonly SequenceList _all = new();
    private readonly Dictionary<string, SequenceList> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<BatchId, SequenceList> _byBatch = [];

    // Finished jobs per state (Succeeded, Failed, Cancelled) by enqueue order: the history, which is what grows, is
    // listed by state without reading it all. A job enters at its finish and leaves when it is retried or removed.
    private readonly SortedSet<InMemoryJob>[] _finishedByState = [new(s_bySequence), new(s_bySequence), new(s_bySequence)];

    // Attempts that ended, per minute (UTC ticks of its start) and queue: [succeeded, failed]. The last minute written
    // is kept at hand, so a completion looks up one small dictionary.
    private readonly SortedDictionary<long, Dictionary<string, long[]>> _throughput = [];
    private long _lastMinute = -1;
    private Dictionary<string, long[]>? _lastMinuteCounts;

    public ValueTask<StoredJobPage> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.CountLimit, nameof(query));
        long before = ParsePosition(query.After);
        AsciiTextMatcher? text = string.IsNullOrEmpty(query.Text) ? null : new AsciiTextMatcher(query.Text);
        lock (_lock)
        {
            var jobs = new List<StoredJob>(Math.Min(query.Limit, 1000));
            string? next = null;
            if (query.Limit > 0)
            {
                long lastSequence = 0;
                foreach (InMemoryJob job in CandidatesLocked(query, before))
                {
                    if (!Matches(job, query, text))
                    {
                        continue;
                    }

                    if (jobs.Count == query.Limit)
                    {
                        // One more match exists: the page has a next one.
                        next = lastSequence.ToString(CultureInfo.InvariantCulture);
                        break;
                    }

                    jobs.Add(job.ToStored());
                    lastSequence = job.Sequence;
                }
            }

            long counted = 0;
            if (query.CountLimit > 0)
            {
                foreach (InMemoryJob job in CandidatesLocked(query, long.MaxValue))
                {
                    if (Matches(job, query, text) && ++counted > query.CountLimit)
                    {
                        break;
                    }
                }
            }

            return new ValueTask<StoredJobPage>(new StoredJobPage
            {
                Jobs = jobs,
                Next = next,
                Total = Math.Min(counted, query.CountLimit),
                TotalIsExact = counted <= query.CountLimit,
            });
        }
    }

    public ValueTask<IReadOnlyList<RetryOutcome>> RetryAsync(RetryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<JobId> ids = request.Ids ?? throw new ArgumentException("RetryRequest.Ids is null.", nameof(request));
        var outcomes = new RetryOutcome[ids.Count];
        lock (_lock)
        {
            for (int i = 0; i < outcomes.Length; i++)
            {
                outcomes[i] = _jobs.TryGetValue(ids[i], out InMemoryJob? job) ? RetryLocked(job, request.Now) : RetryOutcome.NotFound;
            }
        }

        return new ValueTask<IReadOnlyList<RetryOutcome>>(outcomes);
    }

    public ValueTask<IReadOnlyList<DeleteOutcome>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<JobId> ids = request.Ids ?? throw new ArgumentException("DeleteRequest.Ids is null.", nameof(request));
        var outcomes = new DeleteOutcome[ids.Count];
        lock (_lock)
        {
            for (int i = 0; i < outcomes.Length; i++)
            {
                if (!_jobs.TryGetValue(ids[i], out InMemoryJob? job))
                {
                    outcomes[i] = DeleteOutcome.NotFound;
                }
                else if (!job.IsFinal)
                {
                    outcomes[i] = DeleteOutcome.NotFinished;
                }
                else
                {
                    RemoveLocked(job);
                    outcomes[i] = DeleteOutcome.Deleted;
                }
            }
        }

        return new ValueTask<IReadOnlyList<DeleteOutcome>>(outcomes);
    }

    public ValueTask<IReadOnlyList<ThroughputBucket>> GetThroughputAsync(ThroughputQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var buckets = new List<ThroughputBucket>();
        lock (_lock)
        {
            foreach ((long minute, Dictionary<string, long[]> queues) in _throughput)
            {
                if (minute < query.Since.UtcTicks)
                {
                    continue;
                }

                var start = new DateTimeOffset(minute, TimeSpan.Zero);
                foreach ((string queue, long[] counts) in queues)
                {
                    buckets.Add(new ThroughputBucket { Minute = start, Queue = queue, Succeeded = counts[0], Failed = counts[1] });
                }
            }
        }

        buckets.Sort(static (a, b) =>
        {
            int byMinute = a.Minute.CompareTo(b.Minute);
            return byMinute != 0 ? byMinute : string.CompareOrdinal(a.Queue, b.Queue);
        });
        return new ValueTask<IReadOnlyList<ThroughputBucket>>(buckets);
    }

    public ValueTask<int> PruneThroughputAsync(ThroughputPruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        int pruned = 0;
        lock (_lock)
        {
            var emptied = new List<long>();
            foreach ((long minute, Dictionary<string, long[]> queues) in _throughput)
            {
                if (minute >= request.Before.UtcTicks || pruned == request.Limit)
                {
                    break;
                }

                // Bounded by the limit like every prune: a minute's queues may be removed over several calls.
                foreach (string queue in queues.Keys.Take(request.Limit - pruned).ToList())
                {
                    queues.Remove(queue);
                    pruned++;
                }

                if (queues.Count == 0)
                {
                    emptied.Add(minute);
                }
            }

            foreach (long minute in emptied)
            {
                _throughput.Remove(minute);
                if (minute == _lastMinute)
                {
                    _lastMinute = -1;
                    _lastMinuteCounts = null;
                }
            }
        }

        return new ValueTask<int>(pruned);
    }

    /// <summary>Adds a new job to the listing indexes; called for every job as it is written.</summary>
    private void IndexLocked(InMemoryJob job)
    {
        _all.Add(job);
        job.Queue.Jobs.Add(job);
        ref SequenceList? byName = ref CollectionsMarshal.GetValueRefOrAddDefault(_byName, job.Definition.Name, out _);
        (byName ??= new SequenceList()).Add(job);
        if (job.Batch is { } batch)
        {
            ref SequenceList? byBatch = ref CollectionsMarshal.GetValueRefOrAddDefault(_byBatch, batch.Id, out _);
            (byBatch ??= new SequenceList()).Add(job);
        }
    }

    private SortedSet<InMemoryJob> FinishedSet(JobState state) => _finishedByState[(int)state - (int)JobState.Succeeded];

    /// <summary>Takes a finished job out of the store, as prune and delete do: it is gone, with its key and index entries.</summary>
    private void RemoveLocked(InMemoryJob job)
    {
        _jobs.Remove(job.Id);
        _logs.Remove(job.Id);
        job.Queue.Count(job.State, -1);
        ReleaseKeyLocked(job);
        FinishedSet(job.State).Remove(job);
        job.Removed = true;
        _all.Removed();
        job.Queue.Jobs.Removed();
        if (_byName.TryGetValue(job.Definition.Name, out SequenceList? byName))
        {
            byName.Removed();
            if (byName.LiveCount == 0)
            {
                _byName.Remove(job.Definition.Name);
            }
        }

        if (job.Batch is { } batch && _byBatch.TryGetValue(batch.Id, out SequenceList? byBatch))
        {
            byBatch.Removed();
            if (byBatch.LiveCount == 0)
            {
                _byBatch.Remove(batch.Id);
            }
        }
    }

    private RetryOutcome RetryLocked(InMemoryJob job, DateTimeOffset now)
    {
        switch (job.State)
        {
            case JobState.Succeeded:
                return RetryOutcome.Succeeded;
            case JobState.Failed:
                break;
            case JobState.Cancelled when job.IsCallback:
                return RetryOutcome.CancelledBatchCallback;
            case JobState.Cancelled:
                break;
            default:
                return RetryOutcome.NotFinished;
        }

        // A child whose batch still exists: its failure made the batch Failed. With a failure callback, that failure
        // released it; without one, the child becomes pending again below.
        InMemoryBatch? batch = job.ParentBatch is { } parent && _batches.TryGetValue(parent.Id, out InMemoryBatch? stored) && stored == parent ? parent : null;
        if (batch?.FailureCallback is not null)
        {
            return RetryOutcome.BatchFailureCallbackReleased;
        }

        string? key = job.IsCallback ? null : job.Definition.IdempotencyKey;
        if (key is not null && _keys.TryGetValue(key, out InMemoryJob? holder) && holder != job && HoldsKey(holder, now))
        {
            return RetryOutcome.IdempotencyKeyInUse;
        }

        FinishedSet(job.State).Remove(job);
        job.FinishedAt = null;
        job.MaxAttempts = Math.Max(job.MaxAttempts, job.Attempt + 1);
        if (key is not null)
        {
            _keys[key] = job;
        }

        if (batch is not null)
        {
            batch.ChildRetried();
        }

        _unfinished++;
        if (job.HasStaleReadyEntry)
        {
            // Cancelled while waiting in line, and its entry is still there: it takes that place again.
            job.ClearStaleReadyEntry();
            SetStateLocked(job, JobState.Enqueued);
            job.RunAt = now;
            job.Queue.Wake();
        }
        else
        {
            MakeReadyLocked(job, now);
        }

        return RetryOutcome.Retried;
    }

    private void CountAttemptLocked(InMemoryJob job, bool succeeded, DateTimeOffset now)
    {
        long minute = now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute);
        if (minute != _lastMinute || _lastMinuteCounts is null)
        {
            if (!_throughput.TryGetValue(minute, out Dictionary<string, long[]>? queues))
            {
                queues = new Dictionary<string, long[]>(StringComparer.Ordinal);
                _throughput.Add(minute, queues);
            }

            _lastMinute = minute;
            _lastMinuteCounts = queues;
        }

        ref long[]? counts = ref CollectionsMarshal.GetValueRefOrAddDefault(_lastMinuteCounts, job.Definition.Queue, out _);
        (counts ??= new long[2])[succeeded ? 0 : 1]++;
    }

    /// <summary>The jobs to look at for a query, newest first below <paramref name="before"/>: the smallest index that holds every match.</summary>
    private IEnumerable<InMemoryJob> CandidatesLocked(JobQuery query, long before)
    {
        if (query.BatchId is { } batchId)
        {
            return _byBatch.TryGetValue(batchId, out SequenceList? byBatch) ? byBatch.Descending(before) : [];
        }

        SequenceList? byName = null;
        if (query.Name is { } name && !_byName.TryGetValue(name, out byName))
        {
            return [];
        }

        InMemoryQueue? queue = null;
        if (query.Queue is { } queueName && !_queues.TryGetValue(queueName, out queue))
        {
            return [];
        }

        if (query.State is { } state)
        {
            if (state is not (JobState.Succeeded or JobState.Failed or JobState.Cancelled))
            {
                return UnfinishedLocked(state, queue, before);
            }

            SortedSet<InMemoryJob> finished = FinishedSet(state);
            if (byName is not null && byName.LiveCount < finished.Count)
            {
                return byName.Descending(before);
            }

            return queue is not null && queue.Jobs.LiveCount < finished.Count ? queue.Jobs.Descending(before) : Descending(finished, before);
        }

        return byName?.Descending(before) ?? queue?.Jobs.Descending(before) ?? _all.Descending(before);
    }

    /// <summary>
    /// The jobs in a state that has not finished, from the structures that hold them for work (ready entries, the
    /// schedule, the running set, the batches' callbacks): the backlog, not the history.
    /// </summary>
    private List<InMemoryJob> UnfinishedLocked(JobState state, InMemoryQueue? queue, long before)
    {
        var jobs = new List<InMemoryJob>();
        switch (state)
        {
            case JobState.Enqueued:
                foreach (InMemoryQueue ready in queue is null ? _queues.Values : (IEnumerable<InMemoryQueue>)[queue])
                {
                    jobs.AddRange(ready.ReadyEntries());
                }

                jobs.AddRange(ParkedLocked(queue));

                break;
            case JobState.Scheduled:
                foreach ((InMemoryJob job, TimeKey key) in _scheduled.UnorderedItems)
                {
                    if (job.RunAtUtcTicks == key.UtcTicks)
                    {
                        jobs.Add(job);
                    }
                }

                break;
            case JobState.Running:
                jobs.AddRange(_running);
                break;
            case JobState.Awaiting:
                foreach (InMemoryBatch batch in _batches.Values)
                {
                    jobs.AddRange(new[] { batch.SuccessCallback, batch.FailureCallback }.OfType<InMemoryJob>());
                }

                break;
        }

        // Stale entries (left by a cancel) are dropped, and a job held twice is kept once.
        jobs.RemoveAll(job => job.State != state || job.Sequence >= before);
        jobs.Sort(static (a, b) => b.Sequence.CompareTo(a.Sequence));
        for (int i = jobs.Count - 1; i > 0; i--)
        {
            if (jobs[i] == jobs[i - 1])
            {
                jobs.RemoveAt(i);
            }
        }

        return jobs;
    }

    private static IEnumerable<InMemoryJob> Descending(SortedSet<InMemoryJob> set, long before)
    {
        if (set.Count == 0 || set.Min!.Sequence >= before)
        {
            return [];
        }

        return before > set.Max!.Sequence ? set.Reverse() : set.GetViewBetween(set.Min, InMemoryJob.Probe(before - 1)).Reverse();
    }

    private static bool Matches(InMemoryJob job, JobQuery query, AsciiTextMatcher? text)
        => !job.Removed
            && (query.State is null || job.State == query.State)
            && (query.Queue is null || string.Equals(job.Definition.Queue, query.Queue, StringComparison.Ordinal))
            && (query.Name is null || string.Equals(job.Definition.Name, query.Name, StringComparison.Ordinal))
            && (query.BatchId is null || job.Batch?.Id == query.BatchId)
            && (text is null || text.Matches(job));

    /// <summary>The position a page continues below: the enqueue sequence of the page's last job.</summary>
    private static long ParsePosition(string? after)
    {
        if (after is null)
        {
            return long.MaxValue;
        }

        if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
        {
            throw new ArgumentException($"JobQuery.After is '{after}', which is not a position this store made (a page's Next).", "query");
        }

        return sequence;
    }
}
