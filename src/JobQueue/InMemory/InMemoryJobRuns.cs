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

    /// <summary>The maximum attempts a retry raised (see InMemoryJobStorage.RetryAsync); 0 keeps the definition's.</summary>
    public int MaxAttempts { get; set; }

    /// <summary>
    /// The job was cancelled while Enqueued, and its entry in its queue's ready structures has not been taken yet: a
    /// retry makes that entry live again instead of adding a second one.
    /// </summary>
    public bool StaleReadyEntry { get; set; }

    /// <summary>The job is Enqueued but parked with its limit key (at its limit), not in its queue's ready structures.</summary>
    public bool Parked { get; set; }
}
