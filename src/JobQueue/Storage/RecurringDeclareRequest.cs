namespace JobQueue.Storage;

/// <summary>What <see cref="IJobStorage.DeclareRecurringJobsAsync"/> renews: a running host's declarations.</summary>
public sealed record RecurringDeclareRequest
{
    /// <summary>The ids of the schedules the host declares in code.</summary>
    public required IReadOnlyList<string> Ids { get; init; }

    /// <summary>The engine's clock: the new declaration time.</summary>
    public required DateTimeOffset Now { get; init; }
}
