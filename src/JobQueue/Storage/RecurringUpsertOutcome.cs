namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.UpsertRecurringJobsAsync"/> did with one definition.</summary>
public enum RecurringUpsertOutcome
{
    /// <summary>No schedule had the id: it was created, not paused, due at the definition's next run time.</summary>
    Created = 0,

    /// <summary>The stored definition differed: it was replaced and the schedule's version increased.</summary>
    Updated = 1,

    /// <summary>The stored definition was the same: only its declaration time was written.</summary>
    Unchanged = 2,
}
