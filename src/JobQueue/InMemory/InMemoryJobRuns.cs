using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>
/// What a job gathers once it leaves the plain enqueued state: attempts, the current lease, its outcome and a
/// run time that moved. Kept apart from <see cref="InMemoryJob"/> and allocated on the first such change, so a job
/// that is only waiting (the bulk of a backlog) carries none of it.
/// </summary>
internal sealed class InMemoryJobRuns
{
    public const long NoTime = long.MinValue;

    public InMemoryJobRuns(long runAtUtcTicks)
    {
        RunAtUtcTicks = runAtUtcTicks;
    }

    public long RunAtUtcTicks { get; set; }
    public long StartedAtUtcTicks { get; set; } = NoTime;
    public long FinishedAtUtcTicks { get; set; } = NoTime;
    public long LeaseExpiresAtUtcTicks { get; set; }
    public Guid LeaseToken { get; set; }
    public int Attempt { get; set; }
    public string? WorkerId { get; set; }
    public byte[]? Result { get; set; }
    public JobProgress? Progress { get; set; }

    /// <summary>Replaced, never mutated, on each failed attempt, so copies handed out can share it.</summary>
    public JobError[] Errors { get; set; } = [];
}
