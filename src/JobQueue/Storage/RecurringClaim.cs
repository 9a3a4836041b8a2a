namespace JobQueue.Storage;

/// <summary>
/// One schedule's step in <see cref="IJobStorage.ClaimRecurringOccurrencesAsync"/>: move its next run time from the
/// value read to a new one, and write the occurrences' jobs, in one atomic step conditional on what was read.
/// </summary>
public sealed record RecurringClaim
{
    /// <summary>The schedule's id.</summary>
    public required string Id { get; init; }

    /// <summary>The version read; the claim applies only while the schedule still has it.</summary>
    public required long Version { get; init; }

    /// <summary>The next run time read: the key of the occurrences claimed. The claim applies only while the schedule still has it.</summary>
    public required DateTimeOffset NextRunAt { get; init; }

    /// <summary>The schedule's next run time after this claim.</summary>
    public required DateTimeOffset NewNextRunAt { get; init; }

    /// <summary>
    /// The occurrences' jobs (plain jobs: no batch, no idempotency key), oldest first, each due at its occurrence; possibly
    /// none, when the misfire policy dropped every occurrence claimed.
    /// </summary>
    public required IReadOnlyList<NewJob> Jobs { get; init; }

    /// <summary>
    /// The overlap policy's check: when true and the schedule's last job exists and has not finished, no job is written;
    /// the next run time moves all the same and the skip is recorded (<see cref="RecurringClaimOutcome.SkippedOverlap"/>).
    /// </summary>
    public bool SkipIfLastJobUnfinished { get; init; }

    /// <summary>The latest occurrence the misfire policy dropped, recorded as the schedule's last skip; null when none was.</summary>
    public DateTimeOffset? SkippedAt { get; init; }
}
