namespace JobQueue.Storage;

/// <summary>The finished jobs <see cref="IJobStorage.RetryAsync"/> enqueues again.</summary>
public sealed record RetryRequest
{
    /// <summary>The jobs; the outcomes come back in this order.</summary>
    public required IReadOnlyList<JobId> Ids { get; init; }

    /// <summary>The engine's clock: the retried jobs are due at it.</summary>
    public required DateTimeOffset Now { get; init; }
}
