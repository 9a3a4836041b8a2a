namespace JobQueue.Testing;

/// <summary>How a <see cref="JobQueueTestHarness"/> keeps time and where it stops running jobs.</summary>
public sealed class JobQueueTestingOptions
{
    /// <summary>The fake clock's time when the harness starts.</summary>
    /// <value>Defaults to 2026-01-01 00:00 UTC, a fixed time so that run times in failure messages repeat from run to run.</value>
    public DateTimeOffset StartTime { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The most attempts one call of <see cref="JobQueueTestHarness.RunJobsAsync"/> or
    /// <see cref="JobQueueTestHarness.AdvanceTimeAsync"/> makes before it stops with a <see cref="JobQueueTestException"/>:
    /// the guard against jobs that enqueue more jobs forever.
    /// </summary>
    /// <value>Defaults to 1,000; at least 1.</value>
    public int MaxAttempts { get; set; } = 1000;

    /// <summary>
    /// How long, in real time, one attempt may take before the harness gives up on it with a
    /// <see cref="JobQueueTestException"/> naming the job, instead of hanging the test. A handler that waits on the fake
    /// clock (<c>Task.Delay(delay, timeProvider)</c>) waits until the test moves the clock, which it cannot do while it
    /// awaits the run.
    /// </summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether <see cref="JobQueueTestHarness.RunJobsAsync"/> moves the clock forward to the retries (and snoozes) of the
    /// jobs it ran, so that a failing job is run until it succeeds or runs out of attempts. With false, a retry waits until
    /// the test moves the clock itself.
    /// </summary>
    /// <value>Defaults to true.</value>
    public bool FollowRetries { get; set; } = true;

    internal void Validate()
    {
        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts,
                $"JobQueueTestingOptions.MaxAttempts is {MaxAttempts}; it must be at least 1.");
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout,
                $"JobQueueTestingOptions.AttemptTimeout is {AttemptTimeout}; it must be positive.");
        }
    }
}
