using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>
/// A job's mutable state; only touched under the store's lock, read out as <see cref="StoredJob"/> copies so
/// callers never see it change.
/// </summary>
/// <remarks>
/// Kept small because a store may hold millions: the immutable <see cref="NewJob"/> is referenced rather than
/// copied field by field, times are UTC ticks (the offset carries no meaning for a point in time), and what a
/// job gathers once it runs lives in <see cref="InMemoryJobRuns"/>, allocated only then.
/// </remarks>
internal sealed class InMemoryJob
{
    private static readonly NewJob s_probe = new()
    {
        Id = default,
        Name = string.Empty,
        Queue = string.Empty,
        Arguments = [],
        MaxAttempts = 1,
        Timeout = TimeSpan.Zero,
        RetryDelay = TimeSpan.Zero,
        RunAt = default,
    };

    private static readonly InMemoryQueue s_probeQueue = new(string.Empty);

    private readonly long _enqueuedAt;

    // Null until the job is first leased, finished or moved in time: a waiting job needs none of it.
    private InMemoryJobRuns? _runs;

    public InMemoryJob(NewJob definition, InMemoryQueue queue, long sequence, InMemoryBatch? batch, bool isCallback,
        JobState state, DateTimeOffset enqueuedAt)
    {
        Definition = definition;
        Queue = queue;
        Sequence = sequence;
        Batch = batch;
        IsCallback = isCallback;
        State = state;
        _enqueuedAt = enqueuedAt.UtcTicks;
    }

    /// <summary>What the job was enqueued with; only a debounce (<see cref="ReplaceArguments"/>) changes it.</summary>
    public NewJob Definition { get; private set; }

    /// <summary>A debounce: the job takes a later enqueue's arguments.</summary>
    public void ReplaceArguments(byte[] arguments) => Definition = Definition with { Arguments = arguments };

    /// <summary>A stand-in that only has a sequence: a bound for a range of an index ordered by sequence.</summary>
    public static InMemoryJob Probe(long sequence) => new(s_probe, s_probeQueue, sequence, batch: null, isCallback: false, JobState.Failed, default);

    public JobId Id => Definition.Id;

    public InMemoryQueue Queue { get; }

    /// <summary>The store-wide enqueue order, the last tie-breaker of fetch order.</summary>
    public long Sequence { get; }

    /// <summary>The batch the job belongs to, as a child or as a callback.</summary>
    public InMemoryBatch? Batch { get; }

    /// <summary>True for a batch's success or failure callback, which belongs to the batch but is no child.</summary>
    public bool IsCallback { get; }

    /// <summary>The batch the job is a child of; null for callbacks and jobs outside batches.</summary>
    public InMemoryBatch? ParentBatch => IsCallback ? null : Batch;

    public JobState State { get; set; }

    /// <summary>Deleted or pruned: gone from the store, and skipped by the indexes that still hold it until they compact.</summary>
    public bool Removed { get; set; }

    /// <summary>Attempts allowed: the definition's, or what a retry raised it to.</summary>
    public int MaxAttempts
    {
        get => _runs is { MaxAttempts: > 0 and int raised } ? raised : Definition.MaxAttempts;
        set => Runs.MaxAttempts = value;
    }

    public int Attempt
    {
        get => _runs?.Attempt ?? 0;
        set => Runs.Attempt = value;
    }

    public long RunAtUtcTicks => _runs?.RunAtUtcTicks ?? Definition.RunAt.UtcTicks;

    public DateTimeOffset RunAt
    {
        get => FromTicks(RunAtUtcTicks);
        set => Runs.RunAtUtcTicks = value.UtcTicks;
    }

    public DateTimeOffset EnqueuedAt => FromTicks(_enqueuedAt);

    public DateTimeOffset? StartedAt => _runs is { StartedAtUtcTicks: not InMemoryJobRuns.NoTime and long started } ? FromTicks(started) : null;

    public DateTimeOffset? FinishedAt
    {
        get => _runs is { FinishedAtUtcTicks: not InMemoryJobRuns.NoTime and long finished } ? FromTicks(finished) : null;
        set => Runs.FinishedAtUtcTicks = value?.UtcTicks ?? InMemoryJobRuns.NoTime;
    }

    public byte[]? Result
    {
        get => _runs?.Result;
        set => Runs.Result = value;
    }

    /// <summary>Replaced, never mutated, on each failed attempt, so copies handed out can share it.</summary>
    public JobError[] Errors => _runs?.Errors ?? [];

    public JobProgress? Progress
    {
        get => _runs?.Progress;
        set => Runs.Progress = value;
    }

    /// <summary>The lease's expiry; only meaningful while Running.</summary>
    public DateTimeOffset LeaseExpiresAt
    {
        get => FromTicks(_runs?.LeaseExpiresAtUtcTicks ?? 0);
        set => Runs.LeaseExpiresAtUtcTicks = value.UtcTicks;
    }

    public string? WorkerId => _runs?.WorkerId;

    public bool IsFinal => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    public InMemoryJobRuns Runs => _runs ??= new InMemoryJobRuns(Definition.RunAt.UtcTicks);

    /// <summary>See <see cref="InMemoryJobRuns.StaleReadyEntry"/>; false for a job that never left the plain enqueued state.</summary>
    public bool HasStaleReadyEntry => _runs?.StaleReadyEntry == true;

    /// <summary>See <see cref="InMemoryJobRuns.Parked"/>.</summary>
    public bool IsParked => _runs?.Parked == true;

    /// <summary>Starts an attempt under a new lease.</summary>
    public void Lease(Guid token, DateTimeOffset expiresAt, string workerId, DateTimeOffset now)
    {
        InMemoryJobRuns runs = Runs;
        runs.Attempt++;
        runs.StartedAtUtcTicks = now.UtcTicks;
        runs.LeaseToken = token;
        runs.LeaseExpiresAtUtcTicks = expiresAt.UtcTicks;
        runs.WorkerId = workerId;
    }

    /// <summary>The job's stale ready entry was taken from its queue (see <see cref="InMemoryJobRuns.StaleReadyEntry"/>).</summary>
    public void ClearStaleReadyEntry()
    {
        if (_runs is { StaleReadyEntry: true } runs)
        {
            runs.StaleReadyEntry = false;
        }
    }

    /// <summary>Voids the lease: once the job is no longer Running, no token matches (see <see cref="HoldsLease"/>).</summary>
    public void ClearLease()
    {
        if (_runs is { } runs)
        {
            runs.LeaseToken = Guid.Empty;
            runs.WorkerId = null;
        }
    }

    /// <summary>True while the attempt leased under <paramref name="token"/> is the job's current one.</summary>
    public bool HoldsLease(Guid token) => State == JobState.Running && _runs?.LeaseToken == token;

    public void AppendError(JobError error) => Runs.Errors = [.. Runs.Errors, error];

    public StoredJob ToStored()
    {
        bool running = State == JobState.Running;
        return new StoredJob
        {
            Id = Definition.Id,
            Name = Definition.Name,
            Queue = Definition.Queue,
            State = State,
            Priority = Definition.Priority,
            Arguments = Definition.Arguments,
            Attempt = Attempt,
            MaxAttempts = MaxAttempts,
            Timeout = Definition.Timeout,
            RetryDelay = Definition.RetryDelay,
            RunAt = RunAt,
            EnqueuedAt = EnqueuedAt,
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            Result = Result,
            Errors = Errors,
            Progress = Progress,
            IdempotencyKey = Definition.IdempotencyKey,
            LimitKey = Definition.LimitKey,
            BatchId = Batch?.Id,
            TraceParent = Definition.TraceParent,
            LeaseToken = running ? _runs?.LeaseToken : null,
            LeaseExpiresAt = running ? LeaseExpiresAt : null,
            WorkerId = running ? WorkerId : null,
        };
    }

    private static DateTimeOffset FromTicks(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
