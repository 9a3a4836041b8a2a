using System.Text.Json;

namespace JobQueue;

/// <summary>A snapshot of a job's status, read by id through <see cref="IJobClient.GetAsync"/>.</summary>
public sealed class JobInfo
{
    /// <summary>The job's id.</summary>
    public required JobId Id { get; init; }

    /// <summary>The job's stable name (see <see cref="JobNameAttribute"/>).</summary>
    public required string Name { get; init; }

    /// <summary>The queue the job runs in.</summary>
    public required string Queue { get; init; }

    /// <summary>The job's state when it was read.</summary>
    public required JobState State { get; init; }

    /// <summary>The job's priority: higher runs first within its queue.</summary>
    public int Priority { get; init; }

    /// <summary>The number of the current or last attempt, starting at 1; 0 before the first run.</summary>
    public int Attempt { get; init; }

    /// <summary>How many attempts the job may make before it fails for good.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>The stored result of a succeeded job whose handler returns one; otherwise null (also when the stored bytes are not JSON).</summary>
    public JsonElement? Result { get; init; }

    /// <summary>
    /// The last attempt's error, if any attempt failed. For a job the store could not fully read (a damaged record),
    /// an error of type <see cref="UnreadableJobException"/> that says what could not be read.
    /// </summary>
    public JobError? Error { get; init; }

    /// <summary>Every failed attempt's error, oldest first.</summary>
    public IReadOnlyList<JobError> Errors { get; init; } = [];

    /// <summary>The last progress the job reported, if any.</summary>
    public JobProgress? Progress { get; init; }

    /// <summary>The job's arguments as stored (JSON); undefined (<c>default</c>) when the stored bytes are not JSON.</summary>
    public JsonElement Arguments { get; init; }

    /// <summary>When the job was enqueued.</summary>
    public DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>When the job is due to run (its first run, or its next retry).</summary>
    public DateTimeOffset RunAt { get; init; }

    /// <summary>When the current or last attempt started; null before the first run.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job reached a final state; null until then.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The batch the job belongs to, as a child or as a callback; null otherwise.</summary>
    public BatchId? BatchId { get; init; }

    /// <summary>The key per-key limits count this job by, or null.</summary>
    public string? LimitKey { get; init; }

    /// <summary>
    /// For an Enqueued job that cannot start now: why (a paused queue, a limit, a hold) and until when if known; null when it
    /// only waits for its turn, and for a job in any other state. Limits are the ones this process declares.
    /// </summary>
    public JobWait? Waiting { get; init; }

    /// <summary>True when <see cref="State"/> is final: Succeeded, Failed or Cancelled.</summary>
    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    /// <summary>Deserializes <see cref="Result"/>; returns default when the job stored no result.</summary>
    /// <param name="options">Serializer options; defaults to <see cref="JsonSerializerOptions.Web"/>.</param>
    public TResult? GetResult<TResult>(JsonSerializerOptions? options = null)
        => Result is { } result ? result.Deserialize<TResult>(options ?? JsonSerializerOptions.Web) : default;
}
