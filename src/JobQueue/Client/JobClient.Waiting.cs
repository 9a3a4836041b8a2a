using JobQueue.Storage;

namespace JobQueue.Client;

// Why a ready job waits (JobInfo.Waiting): the store's flow state read against the limits this process declares.
internal sealed partial class JobClient
{
    private async ValueTask<JobWait?> ReadWaitAsync(StoredJob job, CancellationToken cancellationToken)
    {
        FetchLimits? limits = _plan.LimitsOf(job.Queue);
        NameLimits? named = limits.ForName(job.Name);

        string? key = job.LimitKey;
        var rates = new List<RateScopeQuery>(3);
        if (limits?.QueueRate is RateLimit queueRate)
        {
            rates.Add(new RateScopeQuery { Scope = FlowScope.Queue(job.Queue), Limit = queueRate });
        }

        if (named?.Rate is RateLimit nameRate)
        {
            rates.Add(new RateScopeQuery { Scope = FlowScope.Name(job.Name), Limit = nameRate });
        }

        if (key is not null && (named?.RatePerKey ?? limits?.RatePerKey) is RateLimit keyRate)
        {
            rates.Add(new RateScopeQuery { Scope = FlowScope.Key(key), Limit = keyRate });
        }

        FlowState state = await _storage.GetFlowStateAsync(
            new FlowStateRequest { Queue = job.Queue, Name = job.Name, LimitKey = key, Rates = rates, Now = _time.GetUtcNow() },
            cancellationToken).ConfigureAwait(false);
        return Explain(state, limits, named, key);
    }

    /// <summary>The first reason that keeps the job from starting, in the order a fetch checks them.</summary>
    private static JobWait? Explain(FlowState state, FetchLimits? limits, NameLimits? named, string? key)
    {
        if (state.QueuePaused)
        {
            return new JobWait { Reason = JobWaitReason.QueuePaused };
        }

        if (limits?.QueueConcurrency is int queueConcurrency && state.RunningInQueue >= queueConcurrency)
        {
            return new JobWait { Reason = JobWaitReason.QueueAtLimit };
        }

        if (state.HeldUntil is DateTimeOffset heldUntil)
        {
            return new JobWait { Reason = JobWaitReason.HeldBack, Until = heldUntil };
        }

        if (key is not null && (named?.ConcurrencyPerKey ?? limits?.ConcurrencyPerKey) is int perKey && state.RunningWithKey >= perKey)
        {
            return new JobWait { Reason = JobWaitReason.KeyAtLimit };
        }

        DateTimeOffset? roomAt = null;
        foreach (DateTimeOffset? at in state.RateRoomAt)
        {
            if (at is DateTimeOffset time && (roomAt is null || time > roomAt))
            {
                roomAt = time;
            }
        }

        return roomAt is null ? null : new JobWait { Reason = JobWaitReason.RateLimited, Until = roomAt };
    }
}
