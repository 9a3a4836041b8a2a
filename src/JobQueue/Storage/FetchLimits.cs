namespace JobQueue.Storage;

/// <summary>
/// The flow limits a fetch applies to the jobs of its queue, counted across every host of the store. The engine builds them
/// from the queue's and job types' options; the store applies them in the fetch's atomic step.
/// </summary>
/// <remarks>
/// <para>The fetch examines Enqueued jobs in fetch order and leases a job only when every limit that applies to it has room,
/// counting the jobs it leases in the same call. A job over a limit is skipped and stays Enqueued, with nothing the caller
/// can see written to it (no attempt, no new run time); later jobs are still examined, so one key at its limit never holds
/// back others. The fetch stops at <see cref="FetchRequest.Limit"/> leased jobs, after skipping <see cref="MaxSkipped"/>
/// jobs, or when the queue's own limits have no room left.</para>
/// <para>Jobs passed over because their key is at its concurrency limit do not count toward <see cref="MaxSkipped"/>: the
/// fetch reads on past them (in pages, as far as needed), so a busy key's backlog never starves the keys behind it, however
/// long it is. A store may instead set such a job aside (park it), so that the backlog is not walked again by every fetch:
/// a parked job stays Enqueued and is listed as such, and must be back in fetch order once a job with its key leaves
/// Running (completion, failure, reschedule, cancel, rescue), in the same atomic step; a cancelled parked job must not
/// come back.</para>
/// <para>Limits that apply to a job named N with limit key K (<see cref="StoredJob.LimitKey"/>):</para>
/// <list type="bullet">
/// <item><see cref="QueueConcurrency"/>: Running jobs of the queue, leased ones included.</item>
/// <item><see cref="QueueRate"/>: starts in scope <see cref="FlowScope.Queue"/>.</item>
/// <item>Per-key concurrency (only for a job with a key): N's <see cref="NameLimits.ConcurrencyPerKey"/>, else
/// <see cref="ConcurrencyPerKey"/>: Running jobs with key K, in any queue.</item>
/// <item>N's <see cref="NameLimits.Rate"/>: starts in scope <see cref="FlowScope.Name"/>.</item>
/// <item>Per-key rate (only for a job with a key): N's <see cref="NameLimits.RatePerKey"/>, else <see cref="RatePerKey"/>:
/// starts in scope <see cref="FlowScope.Key"/>.</item>
/// <item>Holds (<see cref="IJobStorage.HoldAsync"/>) on scope <see cref="FlowScope.Key"/>(K) or <see cref="FlowScope.Name"/>(N)
/// whose time is after the request's now: such a job is skipped whatever the limits.</item>
/// </list>
/// <para>A rate scope has room while fewer than <see cref="RateLimit.Starts"/> starts were recorded in it within
/// (now - <see cref="RateLimit.Period"/>, now]. A leased job records one start at the request's now in each rate scope that
/// applied to it (and only in those), in the same step. Starts older than a scope's period may be deleted at any time.</para>
/// <para>The limits hold across hosts: the store makes fetches with limits atomic with respect to each other (a lock, a
/// single writer, a script), so two fetches never both take the last room of a limit.</para>
/// </remarks>
public sealed record FetchLimits
{
    /// <summary>Running jobs of the queue across every host, or null for no limit.</summary>
    public int? QueueConcurrency { get; init; }

    /// <summary>Starts of the queue's jobs, or null for no limit.</summary>
    public RateLimit? QueueRate { get; init; }

    /// <summary>Running jobs per limit key, for job names without their own <see cref="NameLimits.ConcurrencyPerKey"/>.</summary>
    public int? ConcurrencyPerKey { get; init; }

    /// <summary>Starts per limit key, for job names without their own <see cref="NameLimits.RatePerKey"/>.</summary>
    public RateLimit? RatePerKey { get; init; }

    /// <summary>Limits of job names (at most one entry per name); a name not listed has only the queue's.</summary>
    public IReadOnlyList<NameLimits> Names { get; init; } = [];

    /// <summary>
    /// How many jobs over a rate limit or under a hold one fetch may skip before it stops (jobs over their key's concurrency
    /// limit do not count); bounds the fetch's cost behind a rate-limited or held key.
    /// </summary>
    public int MaxSkipped { get; init; } = 1_000;
}
