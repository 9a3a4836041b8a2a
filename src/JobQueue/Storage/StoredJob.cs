namespace JobQueue.Storage;

/// <summary>A job as the store holds it.</summary>
public sealed record StoredJob
{
    /// <summary>The job's id.</summary>
    public required JobId Id { get; init; }

    /// <summary>The job's stable name.</summary>
    public required string Name { get; init; }

    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>The state.</summary>
    public required JobState State { get; init; }

    /// <summary>Higher runs first within the queue.</summary>
    public int Priority { get; init; }

    /// <summary>The arguments as UTF-8 JSON.</summary>
    public required byte[] Arguments { get; init; }

    /// <summary>The current or last attempt, 0 before the first lease.</summary>
    public int Attempt { get; init; }

    /// <summary>Attempts allowed.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>How long one attempt may run.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>The base delay of the first retry.</summary>
    public TimeSpan RetryDelay { get; init; }

    /// <summary>When the job is, or was, due.</summary>
    public DateTimeOffset RunAt { get; init; }

    /// <summary>When the job was enqueued.</summary>
    public DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>When the current or last attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The result as UTF-8 JSON, once succeeded with one.</summary>
    public byte[]? Result { get; init; }

    /// <summary>Every failed attempt's error, oldest first.</summary>
    public IReadOnlyList<JobError> Errors { get; init; } = [];

    /// <summary>The last reported progress.</summary>
    public JobProgress? Progress { get; init; }

    /// <summary>The idempotency key, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The key per-key limits count the job by (<see cref="NewJob.LimitKey"/>), or null.</summary>
    public string? LimitKey { get; init; }

    /// <summary>The batch the job belongs to, as a child or callback.</summary>
    public BatchId? BatchId { get; init; }

    /// <summary>The enqueue span's W3C trace context.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The current lease's token while Running.</summary>
    public Guid? LeaseToken { get; init; }

    /// <summary>The current lease's expiry while Running.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The current lease's holder while Running.</summary>
    public string? WorkerId { get; init; }

    /// <summary>
    /// Null when the store read every field of the job; otherwise what it could not read and why, field by field, in
    /// one line such as <c>"state: 9 is not a job state; errors: not a JSON array"</c>. The record is damaged (edited
    /// by hand, written by a broken tool): the fields that could not be read hold the defaults below, the others
    /// their stored values.
    /// </summary>
    /// <remarks>
    /// <para>A store never throws over one job's stored data, and never lets it spoil a call about other jobs: each
    /// job is read field by field, and a field that does not parse (an unknown state number, a malformed time, number
    /// or id, corrupt error JSON, a missing name or queue) is described here instead. Faults of the store itself (a
    /// lost connection) still throw.</para>
    /// <para>Defaults of fields that could not be read: <see cref="State"/> Failed (no store operation moves a job
    /// whose state is unknown, so it is shown as finished); <see cref="Name"/> and <see cref="Queue"/> empty;
    /// <see cref="Arguments"/> empty; numbers 0; <see cref="RunAt"/> and <see cref="EnqueuedAt"/> default; other
    /// times, <see cref="BatchId"/>, <see cref="LeaseToken"/> and the other optional fields null;
    /// <see cref="Errors"/> the errors that could be read.</para>
    /// <para><see cref="IJobStorage.FetchAsync"/> always returns a leased job's <see cref="Id"/> and
    /// <see cref="LeaseToken"/> (it wrote the token itself), which is all the engine needs to fail it for good: it
    /// does not run such a job (retrying cannot repair stored data) and records an error of type
    /// <see cref="UnreadableJobException"/> with this text. A job whose id itself cannot be read cannot be named by
    /// any later call, so the fetch does not return it: the store fails it for good itself, with the same error,
    /// under the lease it just took. <see cref="IJobStorage.QueryJobsAsync"/> lists such a job with a default
    /// <see cref="Id"/>.</para>
    /// <para>Arguments and results are bytes to the store and never make a job unreadable; arguments that are not
    /// JSON, or no longer fit their type, fail the job for good when it runs (<see cref="JobArgumentsException"/>).</para>
    /// </remarks>
    public string? Unreadable { get; init; }
}
