using System.Globalization;
using System.Text;

namespace JobQueue.Testing;

/// <summary>The one-line descriptions of jobs that failure messages and reports list.</summary>
internal static class JobDescriptions
{
    // A failure message lists this many jobs at most: enough to see the pattern, short enough to read.
    private const int MaxListed = 20;

    /// <summary>For example: <c>send-welcome-email {"email":"a@b.c"} (queue default, Enqueued, run at 2026-01-01 00:00:00Z)</c>.</summary>
    public static string Describe(JobInfo job)
    {
        var text = new StringBuilder();
        text.Append(job.Name).Append(' ').Append(Arguments(job));
        text.Append(" (queue ").Append(job.Queue).Append(", ").Append(job.State);
        if (job.State is JobState.Scheduled or JobState.Enqueued)
        {
            text.Append(", run at ").Append(Time(job.RunAt));
        }

        if (job.Attempt > 0)
        {
            text.Append(", attempt ").Append(job.Attempt.ToString(CultureInfo.InvariantCulture)).Append(" of ").Append(job.MaxAttempts.ToString(CultureInfo.InvariantCulture));
        }

        if (job.BatchId is { } batch)
        {
            text.Append(", batch ").Append(batch);
        }

        if (job.Priority != 0)
        {
            text.Append(", priority ").Append(job.Priority.ToString(CultureInfo.InvariantCulture));
        }

        text.Append(')');
        if (job.State == JobState.Failed && job.Error is { } error)
        {
            text.Append(": ").Append(error.Type).Append(": ").Append(error.Message);
        }

        return text.ToString();
    }

    /// <summary>"no jobs" or "2 jobs:" followed by one indented line per job (at most <see cref="MaxListed"/>).</summary>
    public static string List(IReadOnlyList<JobInfo> jobs)
    {
        if (jobs.Count == 0)
        {
            return "no jobs";
        }

        var text = new StringBuilder();
        text.Append(jobs.Count.ToString(CultureInfo.InvariantCulture)).Append(jobs.Count == 1 ? " job:" : " jobs:");
        foreach (JobInfo job in jobs.Take(MaxListed))
        {
            text.Append("\n  ").Append(Describe(job));
        }

        if (jobs.Count > MaxListed)
        {
            text.Append("\n  ... and ").Append((jobs.Count - MaxListed).ToString(CultureInfo.InvariantCulture)).Append(" more");
        }

        return text.ToString();
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>The job's arguments as JSON text, or a note when they are not JSON.</summary>
    public static string Arguments(JobInfo job)
        => job.Arguments.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "(arguments not JSON)" : job.Arguments.GetRawText();
}
