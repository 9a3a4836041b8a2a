using System.Globalization;

namespace JobQueue.Testing;

/// <summary>One attempt the harness made, and the job's state right after it.</summary>
public sealed class JobAttemptRecord
{
    internal JobAttemptRecord(JobInfo job, int attempt, DateTimeOffset startedAt, JobError? error)
    {
        Job = job;
        Attempt = attempt;
        StartedAt = startedAt;
        Error = error;
    }

    /// <summary>The job as it was right after the attempt: Succeeded, Failed, or Scheduled/Enqueued again for a retry or snooze.</summary>
    public JobInfo Job { get; }

    /// <summary>The attempt's number, starting at 1.</summary>
    public int Attempt { get; }

    /// <summary>The fake clock's time when the attempt started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The attempt's error; null when it did not fail.</summary>
    public JobError? Error { get; }

    /// <summary>The job's state right after the attempt.</summary>
    public JobState State => Job.State;

    /// <summary>For example: <c>send-welcome-email attempt 1 at 2026-01-01 00:00:00Z: Succeeded</c>.</summary>
    public override string ToString()
    {
        string line = $"{Job.Name} {JobDescriptions.Arguments(Job)} attempt {Attempt.ToString(CultureInfo.InvariantCulture)} at {JobDescriptions.Time(StartedAt)}: {State}";
        if (State is JobState.Scheduled or JobState.Enqueued)
        {
            line += $" again at {JobDescriptions.Time(Job.RunAt)}";
        }

        return Error is { } error ? $"{line} ({error.Type}: {error.Message})" : line;
    }
}
