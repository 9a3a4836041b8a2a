using JobQueue.Storage;

namespace JobQueue.InMemory;

// Recurring jobs: a dictionary under the store's one lock, so each claim (compare, enqueue, advance) is one atomic step.
internal sealed partial class InMemoryJobStorage
{
    private readonly SortedDictionary<string, InMemoryRecurringJob> _recurring = new(StringComparer.Ordinal);

    public ValueTask<IReadOnlyList<RecurringUpsertOutcome>> UpsertRecurringJobsAsync(RecurringUpsertRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcomes = new RecurringUpsertOutcome[request.Jobs.Count];
        lock (_lock)
        {
            for (int i = 0; i < outcomes.Length; i++)
            {
                RecurringJobDefinition definition = request.Jobs[i];
                if (!_recurring.TryGetValue(definition.Id, out InMemoryRecurringJob? job))
                {
                    job = new InMemoryRecurringJob(definition, request.Now);
                    _recurring.Add(definition.Id, job);
                    outcomes[i] = RecurringUpsertOutcome.Created;
                }
                else if (job.SameDefinition(definition))
                {
                    outcomes[i] = RecurringUpsertOutcome.Unchanged;
                }
                else
                {
                    if (!string.Equals(job.Definition.Cron, definition.Cron, StringComparison.Ordinal)
                        || !string.Equals(job.Definition.TimeZone, definition.TimeZone, StringComparison.Ordinal))
                    {
                        job.NextRunAt = definition.NextRunAt;
                    }

                    job.Definition = definition;
                    job.Version++;
                    job.UpdatedAt = request.Now;
                    outcomes[i] = RecurringUpsertOutcome.Updated;
                }

                job.DeclaredAt = request.Declared ? request.Now : null;
            }
        }

        return new ValueTask<IReadOnlyList<RecurringUpsertOutcome>>(outcomes);
    }

    public ValueTask<bool> RemoveRecurringJobAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            return new ValueTask<bool>(_recurring.Remove(id));
        }
    }

    public ValueTask<bool> SetRecurringJobPausedAsync(RecurringPauseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            if (!_recurring.TryGetValue(request.Id, out InMemoryRecurringJob? job))
            {
                return new ValueTask<bool>(false);
            }

            if (job.Paused != request.Paused)
            {
                job.Paused = request.Paused;
                job.Version++;
                job.UpdatedAt = request.Now;
                if (!request.Paused)
                {
                    job.NextRunAt = request.NextRunAt;
                }
            }

            return new ValueTask<bool>(true);
        }
    }

    public ValueTask<IReadOnlyList<StoredRecurringJob>> GetRecurringJobsAsync(RecurringJobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            if (query.Id is not null)
            {
                return new ValueTask<IReadOnlyList<StoredRecurringJob>>(
                    _recurring.TryGetValue(query.Id, out InMemoryRecurringJob? one) ? [one.ToStored()] : []);
            }

            return new ValueTask<IReadOnlyList<StoredRecurringJob>>([.. _recurring.Values.Select(static j => j.ToStored())]);
        }
    }

    public ValueTask<RecurringDueJobs> GetDueRecurringJobsAsync(RecurringDueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        var due = new List<StoredRecurringJob>();
        DateTimeOffset? nextDue = null;
        lock (_lock)
        {
            // A scan: schedules number in the tens or hundreds, not the millions jobs do.
            foreach (InMemoryRecurringJob job in _recurring.Values)
            {
                if (job.Paused)
                {
                    continue;
                }

                if (job.NextRunAt > request.Now)
                {
                    nextDue = nextDue is { } earliest && earliest <= job.NextRunAt ? earliest : job.NextRunAt;
                }
                else if (due.Count < request.Limit && (request.AfterId is null || string.CompareOrdinal(job.Definition.Id, request.AfterId) > 0))
                {
                    due.Add(job.ToStored());
                }
            }
        }

        return new ValueTask<RecurringDueJobs>(new RecurringDueJobs { Jobs = due, NextDueAt = nextDue });
    }

    public async ValueTask<IReadOnlyList<RecurringClaimOutcome>> ClaimRecurringOccurrencesAsync(RecurringClaimRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcomes = new RecurringClaimOutcome[request.Claims.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = await ClaimAsync(request.Claims[i], request.Now, cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    public async ValueTask<bool> TriggerRecurringJobAsync(RecurringTriggerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var enqueue = new EnqueueRequest { Jobs = [request.Job], Now = request.Now };
        while (true)
        {
            Task? room;
            lock (_lock)
            {
                if (!_recurring.TryGetValue(request.Id, out InMemoryRecurringJob? job))
                {
                    return false;
                }

                room = TryEnqueueLocked(enqueue, out _);
                if (room is null)
                {
                    job.LastJobId = request.Job.Id;
                    job.LastRunAt = request.Job.RunAt;
                    return true;
                }
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<IReadOnlyList<bool>> DeclareRecurringJobsAsync(RecurringDeclareRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var renewed = new bool[request.Ids.Count];
        lock (_lock)
        {
            for (int i = 0; i < renewed.Length; i++)
            {
                if (_recurring.TryGetValue(request.Ids[i], out InMemoryRecurringJob? job) && job.DeclaredAt is not null)
                {
                    job.DeclaredAt = request.Now;
                    renewed[i] = true;
                }
            }
        }

        return new ValueTask<IReadOnlyList<bool>>(renewed);
    }

    public ValueTask<IReadOnlyList<string>> PruneRecurringJobsAsync(RecurringPruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pruned = new List<string>();
        lock (_lock)
        {
            foreach (InMemoryRecurringJob job in _recurring.Values)
            {
                if (pruned.Count == request.Limit)
                {
                    break;
                }

                if (job.DeclaredAt is { } declared && declared < request.DeclaredBefore)
                {
                    pruned.Add(job.Definition.Id);
                }
            }

            foreach (string id in pruned)
            {
                _recurring.Remove(id);
            }
        }

        return new ValueTask<IReadOnlyList<string>>(pruned);
    }

    private async ValueTask<RecurringClaimOutcome> ClaimAsync(RecurringClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var enqueue = new EnqueueRequest { Jobs = claim.Jobs, Now = now };
        while (true)
        {
            Task? room = null;
            lock (_lock)
            {
                if (!_recurring.TryGetValue(claim.Id, out InMemoryRecurringJob? job) || job.Paused || job.Version != claim.Version
                    || job.NextRunAt != claim.NextRunAt)
                {
                    return RecurringClaimOutcome.Conflict;
                }

                if (claim.SkipIfLastJobUnfinished && job.LastJobId is { } last && _jobs.TryGetValue(last, out InMemoryJob? previous) && !previous.IsFinal)
                {
                    job.NextRunAt = claim.NewNextRunAt;
                    job.LastSkippedAt = claim.Jobs.Count > 0 ? claim.Jobs[^1].RunAt : claim.SkippedAt ?? claim.NextRunAt;
                    return RecurringClaimOutcome.SkippedOverlap;
                }

                if (claim.Jobs.Count > 0)
                {
                    // A full bounded store: the claim waits for room like any enqueue, then checks its schedule again.
                    room = TryEnqueueLocked(enqueue, out _);
                }

                if (room is null)
                {
                    job.NextRunAt = claim.NewNextRunAt;
                    if (claim.Jobs.Count > 0)
                    {
                        job.LastJobId = claim.Jobs[^1].Id;
                        job.LastRunAt = claim.Jobs[^1].RunAt;
                    }

                    if (claim.SkippedAt is { } skipped)
                    {
                        job.LastSkippedAt = skipped;
                    }

                    return RecurringClaimOutcome.Claimed;
                }
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
