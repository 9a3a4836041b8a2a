using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>
/// A job's mutable state; only touched under the store's lock, read out as <see cref="StoredJob"/> copies so
/// callers never see it change.
/// </summary>
/// <remarks>
/// Kept small because a store may hold millions: the immutable <see cref="NewJob"/> is referenced rather than
/// copied field by field, times are UTC ticks (the offset carries no meaning for a point in time), and the
/// lease fields are only meaningful while Running, so they need no nullable wrappers.
/// </remarks>
internal sealed class InMemoryJob
{
    private const long NoTime = long.MinValue;

    private long _runAt;
    private long _enqueuedAt;
    private long _startedAt = NoTime;
    private long _finishedAt = NoTime;
    private long _leaseExpiresAt;
    private Guid _leaseToken;

    public InMemoryJob(NewJob definition, InMemoryQueue queue, long sequence, InMemoryBatch? batch, bool isCallback)
    {
        Definition = definition;
        Queue = queue;
        Sequence = sequence;
        Batch = batch;
        IsCallback = isCallback;
        _runAt = definition.RunAt.UtcTicks;
    }

    public NewJob Definition { get; }

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

    public int Attempt { get; set; }

    public long RunAtUtcTicks => _runAt;

    public DateTimeOffset RunAt
    {
        get => FromTicks(_runAt);
        set => _runAt = value.UtcTicks;
    }

    public DateTimeOffset EnqueuedAt
    {
        get => FromTicks(_enqueuedAt);
        set => _enqueuedAt = value.UtcTicks;
    }

    public DateTimeOffset? StartedAt
    {
        get => _startedAt == NoTime ? null : FromTicks(_startedAt);
        set => _startedAt = value?.UtcTicks ?? NoTime;
    }

    public DateTimeOffset? FinishedAt
    {
        get => _finishedAt == NoTime ? null : FromTicks(_finishedAt);
        set => _finishedAt = value?.UtcTicks ?? NoTime;
    }

    public byte[]? Result { get; set; }

    /// <summary>Replaced, never mutated, on each failed attempt, so copies handed out can share it.</summary>
    public JobError[] Errors { get; private set; } = [];

    public JobProgress? Progress { get; set; }

    /// <summary>The lease's expiry; only meaningful while Running.</summary>
    public DateTimeOffset LeaseExpiresAt
    {
        get => FromTicks(_leaseExpiresAt);
        set => _leaseExpiresAt = value.UtcTicks;
    }

    public string? WorkerId { get; set; }

    public bool IsFinal => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    /// <summary>Starts an attempt under a new lease.</summary>
    public void Lease(Guid token, DateTimeOffset expiresAt, string workerId, DateTimeOffset now)
    {
        Attempt++;
        StartedAt = now;
        _leaseToken = token;
        LeaseExpiresAt = expiresAt;
        WorkerId = workerId;
    }

    /// <summary>Voids the lease: once the job is no longer Running, no token matches (see <see cref="HoldsLease"/>).</summary>
    public void ClearLease()
    {
        _leaseToken = Guid.Empty;
        WorkerId = null;
    }

    /// <summary>True while the attempt leased under <paramref name="token"/> is the job's current one.</summary>
    public bool HoldsLease(Guid token) => State == JobState.Running && _leaseToken == token;

    public void AppendError(JobError error) => Errors = [.. Errors, error];

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
            MaxAttempts = Definition.MaxAttempts,
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
            BatchId = Batch?.Id,
            TraceParent = Definition.TraceParent,
            LeaseToken = running ? _leaseToken : null,
            LeaseExpiresAt = running ? LeaseExpiresAt : null,
            WorkerId = running ? WorkerId : null,
        };
    }

    private static DateTimeOffset FromTicks(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
