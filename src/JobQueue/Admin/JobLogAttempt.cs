namespace JobQueue;

/// <summary>What a job's handler logged in one attempt, read through <see cref="IJobAdmin.GetJobLogAsync"/>.</summary>
public sealed class JobLogAttempt
{
    /// <summary>The attempt, starting at 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>The attempt's last lines, oldest first (at most 200).</summary>
    public required IReadOnlyList<JobLogLine> Lines { get; init; }

    /// <summary>How many earlier lines of the attempt were dropped to keep within the bound.</summary>
    public int DroppedLines { get; init; }
}
