using System.Globalization;
using System.Text;

namespace JobQueue.Testing;

/// <summary>What one call of the harness ran: every attempt in order, and how each ended.</summary>
public sealed class JobRunReport
{
    internal JobRunReport(IReadOnlyList<JobAttemptRecord> attempts, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        Attempts = attempts;
        StartedAt = startedAt;
        EndedAt = endedAt;
    }

    /// <summary>Every attempt the call made, in the order it made them.</summary>
    public IReadOnlyList<JobAttemptRecord> Attempts { get; }

    /// <summary>The fake clock's time when the call began.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The fake clock's time when the call ended; later than <see cref="StartedAt"/> when it moved the clock.</summary>
    public DateTimeOffset EndedAt { get; }

    /// <summary>How many attempts succeeded.</summary>
    public int Succeeded => Attempts.Count(static a => a.State == JobState.Succeeded);

    /// <summary>How many attempts failed for good (no attempt left, or a permanent failure).</summary>
    public int Failed => Attempts.Count(static a => a.State == JobState.Failed);

    /// <summary>How many attempts failed and left the job to be retried.</summary>
    public int Retried => Attempts.Count(static a => a.Error is not null && a.State is JobState.Scheduled or JobState.Enqueued);

    /// <summary>One line per attempt, with the error of each failed one.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Attempts.Count.ToString(CultureInfo.InvariantCulture)).Append(Attempts.Count == 1 ? " attempt" : " attempts")
            .Append(" from ").Append(JobDescriptions.Time(StartedAt)).Append(" to ").Append(JobDescriptions.Time(EndedAt))
            .Append(": ").Append(Succeeded.ToString(CultureInfo.InvariantCulture)).Append(" succeeded, ")
            .Append(Retried.ToString(CultureInfo.InvariantCulture)).Append(" to be retried, ")
            .Append(Failed.ToString(CultureInfo.InvariantCulture)).Append(" failed for good");
        foreach (JobAttemptRecord attempt in Attempts)
        {
            text.Append("\n  ").Append(attempt);
        }

        return text.ToString();
    }
}
