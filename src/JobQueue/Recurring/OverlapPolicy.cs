namespace JobQueue;

/// <summary>Whether a recurring job's occurrence is enqueued while the job of its previous occurrence has not finished.</summary>
public enum OverlapPolicy
{
    /// <summary>Every occurrence is enqueued, whether or not the previous one finished; runs may overlap.</summary>
    Allow = 0,

    /// <summary>
    /// An occurrence whose schedule's previous job has not finished (it is scheduled, waiting or running) is not enqueued:
    /// it is recorded as skipped (<see cref="RecurringJobInfo.LastSkippedAt"/>) and logged, and the schedule goes on.
    /// </summary>
    Skip = 1,
}
