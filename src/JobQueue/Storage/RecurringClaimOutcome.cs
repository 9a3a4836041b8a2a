namespace JobQueue.Storage;

/// <summary>What happened to one <see cref="RecurringClaim"/>.</summary>
public enum RecurringClaimOutcome
{
    /// <summary>The schedule moved to the new next run time and its jobs were written.</summary>
    Claimed = 0,

    /// <summary>The schedule's last job had not finished: it moved to the new next run time, no job was written, the skip was recorded.</summary>
    SkippedOverlap = 1,

    /// <summary>
    /// Nothing was written: the schedule no longer has the version or next run time the claim read (another host claimed
    /// these occurrences, or the schedule was changed), or it is paused or gone.
    /// </summary>
    Conflict = 2,
}
