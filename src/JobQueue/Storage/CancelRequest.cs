namespace JobQueue.Storage;

/// <summary>The jobs <see cref="IJobStorage.CancelAsync"/> cancels.</summary>
public sealed record CancelRequest
{
    /// <summary>The jobs; the outcomes come back in this order.</summary>
    public required IReadOnlyList<JobId> Ids { get; init; }

    /// <summary>The engine's clock, recorded as the cancelled jobs' finish time.</summary>
    public required DateTimeOffset Now { get; init; }
}
