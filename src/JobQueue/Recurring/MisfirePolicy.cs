namespace JobQueue;

/// <summary>
/// What a recurring job does with occurrences that no host enqueued in time (every host was down, or the store was
/// unreachable): occurrences more than <see cref="JobQueueOptions.RecurringMisfireThreshold"/> old when a host finally
/// looks at the schedule. Occurrences that are late by less than that are on time, and each is enqueued.
/// </summary>
public enum MisfirePolicy
{
    /// <summary>Missed occurrences are dropped; the schedule goes on with its next occurrence.</summary>
    Skip = 0,

    /// <summary>One run for any number of missed occurrences: the latest of them is enqueued, the others are dropped.</summary>
    RunOnce = 1,

    /// <summary>Each missed occurrence is enqueued, up to <see cref="RecurringJobOptions.MaxCatchUp"/> of the latest ones.</summary>
    RunAll = 2,
}
