namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.UpsertRecurringJobsAsync"/> writes.</summary>
public sealed record RecurringUpsertRequest
{
    /// <summary>The definitions, in order; outcomes come back in the same order. Ids are distinct.</summary>
    public required IReadOnlyList<RecurringJobDefinition> Jobs { get; init; }

    /// <summary>
    /// True when a host declares these schedules in code (their declaration time becomes now); false when they are
    /// managed at run time (their declaration time is cleared).
    /// </summary>
    public required bool Declared { get; init; }

    /// <summary>The engine's clock: the creation, change and declaration time.</summary>
    public required DateTimeOffset Now { get; init; }
}
