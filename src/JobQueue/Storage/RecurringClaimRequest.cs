namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.ClaimRecurringOccurrencesAsync"/> applies.</summary>
public sealed record RecurringClaimRequest
{
    /// <summary>The claims, one per schedule; outcomes come back in the same order.</summary>
    public required IReadOnlyList<RecurringClaim> Claims { get; init; }

    /// <summary>The engine's clock: the enqueue time of the jobs written (a job due after it is stored Scheduled).</summary>
    public required DateTimeOffset Now { get; init; }
}
